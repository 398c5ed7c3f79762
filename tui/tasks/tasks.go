// Package tasks is the dashboard's registry of work in flight, as gh-dash's
// StartTask / TaskFinishedMsg: an action starts a task (what the status
// line says while it runs), its answer finishes it, and the root asks the
// registry how much is still running (the spinner, the quit question,
// Focus().InFlight) instead of keeping a map and a counter per feature.
package tasks

import "sort"

// ID names a task in flight; the zero ID names none.
type ID int

// Task is one piece of work in flight.
type Task struct {
	ID ID
	// Text is what the status line says while the task runs
	// ("uploading …", "saving 05895d86-…").
	Text string
}

// Registry holds the tasks in flight. The zero Registry is ready to use.
// It is not safe for concurrent use: the root model owns it and touches it
// only in Update.
type Registry struct {
	last    ID
	running map[ID]Task
}

// Start records a task in flight and returns it.
func (r *Registry) Start(text string) Task {
	if r.running == nil {
		r.running = map[ID]Task{}
	}
	r.last++
	t := Task{ID: r.last, Text: text}
	r.running[t.ID] = t
	return t
}

// Finish forgets task id and returns it; ok is false when id was not
// running (already finished, or never started).
func (r *Registry) Finish(id ID) (t Task, ok bool) {
	t, ok = r.running[id]
	delete(r.running, id)
	return t, ok
}

// Len is how many tasks are in flight.
func (r *Registry) Len() int { return len(r.running) }

// Running lists the tasks in flight, oldest first.
func (r *Registry) Running() []Task {
	out := make([]Task, 0, len(r.running))
	for _, t := range r.running {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
