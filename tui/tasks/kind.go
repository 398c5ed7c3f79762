package tasks

// StartKind records a task in flight of a feature's kind ("camera") and
// returns it. Len counts it with the rest; Count counts a kind alone, for
// a feature whose rules depend on its own work in flight.
func (r *Registry) StartKind(kind, text string) Task {
	t, _ := r.start(Task{Text: text, Kind: kind})
	return t
}

// Count is how many tasks of kind are in flight.
func (r *Registry) Count(kind string) int {
	n := 0
	for _, t := range r.running {
		if t.Kind == kind {
			n++
		}
	}
	return n
}
