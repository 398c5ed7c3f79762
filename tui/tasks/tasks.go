// Package tasks is the dashboard's registry of work in flight, as gh-dash's
// StartTask / TaskFinishedMsg: an action starts a task (what the status
// line says while it runs), its answer finishes it, and the root asks the
// registry how much is still running (the spinner, the quit question,
// Focus().InFlight) instead of keeping a map and a counter per feature.
//
// A task may work on one thing that must not have two tasks at once (a
// snapshot being approved): StartOn records it under that thing's key and
// refuses a second, and On finds it again, with the feature's own record
// of it (Value).
package tasks

import "sort"

// ID names a task in flight; the zero ID names none.
type ID int

// Task is one piece of work in flight.
type Task struct {
	ID ID
	// Key is what the task works on (StartOn), nil when it was started
	// with Start.
	Key any
	// Value is the feature's record of the task (a review operation),
	// given to StartOn.
	Value any
	// Text is what the status line says while the task runs
	// ("uploading …", "saving 05895d86-…").
	Text string
	// Kind is the feature a task of StartKind belongs to ("" for Start).
	Kind string
}

// Registry holds the tasks in flight. The zero Registry is ready to use.
// It is not safe for concurrent use: the root model owns it and touches it
// only in Update.
type Registry struct {
	last    ID
	running map[ID]Task
	on      map[any]ID // key -> the task working on it
}

// Start records a task in flight and returns it.
func (r *Registry) Start(text string) Task {
	t, _ := r.start(Task{Text: text})
	return t
}

// StartOn records a task working on key, unless one already is: then it
// records nothing and ok is false. key must be comparable and not nil; a
// feature keys its tasks with a type of its own (as context keys are), so
// that two features' keys never collide.
func (r *Registry) StartOn(key any, text string, value any) (t Task, ok bool) {
	if key == nil {
		return Task{}, false
	}
	if _, busy := r.on[key]; busy {
		return Task{}, false
	}
	return r.start(Task{Text: text, Key: key, Value: value})
}

func (r *Registry) start(t Task) (Task, bool) {
	if r.running == nil {
		r.running, r.on = map[ID]Task{}, map[any]ID{}
	}
	r.last++
	t.ID = r.last
	r.running[t.ID] = t
	if t.Key != nil {
		r.on[t.Key] = t.ID
	}
	return t, true
}

// On returns the task working on key; ok is false when none is.
func (r *Registry) On(key any) (t Task, ok bool) {
	if key == nil {
		return Task{}, false
	}
	id, ok := r.on[key]
	if !ok {
		return Task{}, false
	}
	return r.running[id], true
}

// Finish forgets task id and returns it; ok is false when id was not
// running (already finished, or never started).
func (r *Registry) Finish(id ID) (t Task, ok bool) {
	t, ok = r.running[id]
	if !ok {
		return Task{}, false
	}
	delete(r.running, id)
	if t.Key != nil {
		delete(r.on, t.Key)
	}
	return t, true
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
