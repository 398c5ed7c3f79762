package config

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

var configType = reflect.TypeFor[Config]()

// yamlFields returns the YAML keys of struct type t and their field types.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
	return out
}

// checkKnown rejects mapping keys that t (a struct type) does not have, with
// the line and the list of known keys, and recurses into nested structs.
// Maps (keys, ssh.roles) take any key.
func checkKnown(n *yaml.Node, t reflect.Type, prefix string) error {
	fields := yamlFields(t)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		ft, ok := fields[k.Value]
		if !ok {
			known := make([]string, 0, len(fields))
			for name := range fields {
				known = append(known, prefix+name)
			}
			sort.Strings(known)
			return fmt.Errorf("line %d: unknown key %q (known keys: %s)",
				k.Line, prefix+k.Value, strings.Join(known, ", "))
		}
		if ft.Kind() == reflect.Struct && ft != reflect.TypeFor[time.Time]() {
			if v.Kind != yaml.MappingNode {
				if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
					continue
				}
				return fmt.Errorf("line %d: %s%s must be a mapping", v.Line, prefix, k.Value)
			}
			if err := checkKnown(v, ft, prefix+k.Value+"."); err != nil {
				return err
			}
		}
	}
	return nil
}
