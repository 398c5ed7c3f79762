package config

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// KeyBindings rebinds dashboard actions: each action name maps to the keys
// that trigger it, in Bubble Tea's key names ("a", "ctrl+d", "enter", " "
// for space). An action the file does not mention keeps its default keys.
type KeyBindings map[string][]string

// UnmarshalYAML accepts both `approve: [a, A]` and `approve: a`.
func (k *KeyBindings) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: keys must map action names to keys", n.Line)
	}
	out := make(KeyBindings, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		name, val := n.Content[i], n.Content[i+1]
		var keys []string
		switch val.Kind {
		case yaml.ScalarNode:
			keys = []string{val.Value}
		case yaml.SequenceNode:
			if err := val.Decode(&keys); err != nil {
				return fmt.Errorf("line %d: keys.%s: %w", val.Line, name.Value, err)
			}
		default:
			return fmt.Errorf("line %d: keys.%s must be a key or a list of keys", val.Line, name.Value)
		}
		if len(keys) == 0 {
			return fmt.Errorf("line %d: keys.%s: no key given", val.Line, name.Value)
		}
		for _, key := range keys {
			if key == "" {
				return fmt.Errorf("line %d: keys.%s: empty key", val.Line, name.Value)
			}
		}
		out[name.Value] = keys
	}
	*k = out
	return nil
}

// Check reports rebindings of actions not in actions (the dashboard's
// action names) and keys bound to two actions by the file. The message names
// the valid actions, so a typo is easy to fix.
func (k KeyBindings) Check(actions []string) error {
	var unknown []string
	owner := map[string]string{}
	names := make([]string, 0, len(k))
	for name := range k {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !slices.Contains(actions, name) {
			unknown = append(unknown, name)
			continue
		}
		for _, key := range k[name] {
			if other, ok := owner[key]; ok && other != name {
				return fmt.Errorf("keys: %q is bound to both %s and %s", key, other, name)
			}
			owner[key] = name
		}
	}
	if len(unknown) > 0 {
		valid := slices.Clone(actions)
		sort.Strings(valid)
		return fmt.Errorf("keys: unknown action %s (valid: %s)",
			strings.Join(unknown, ", "), strings.Join(valid, ", "))
	}
	return nil
}
