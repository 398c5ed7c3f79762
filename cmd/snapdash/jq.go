package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/itchyny/gojq"

	"github.com/snapdash/snapdash/internal/sanitize"
)

// jqFilter runs a --jq expression over every JSON value a command writes,
// as gh does: a string result is printed as plain text (sanitized), any
// other result as indented JSON. Values are filtered as they arrive, so
// `events --json --jq …` streams.
type jqFilter struct {
	ctx  context.Context
	code *gojq.Code
	out  io.Writer
	buf  []byte
	err  error // the first failure of the query; later writes fail with it
}

// compileJQ parses and compiles expr; a mistake is a usage error naming
// --jq.
func compileJQ(expr string) (*gojq.Code, error) {
	q, err := gojq.Parse(expr)
	if err != nil {
		return nil, usagef("--jq: %v", err)
	}
	code, err := gojq.Compile(q, gojq.WithEnvironLoader(func() []string { return nil }))
	if err != nil {
		return nil, usagef("--jq: %v", err)
	}
	return code, nil
}

// Write implements io.Writer: complete JSON values in what was written so
// far are filtered and printed; an incomplete one waits for more.
func (f *jqFilter) Write(p []byte) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	f.buf = append(f.buf, p...)
	for {
		trimmed := bytes.TrimLeft(f.buf, " \t\r\n")
		if len(trimmed) == 0 {
			f.buf = f.buf[:0]
			return len(p), nil
		}
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
				f.buf = append(f.buf[:0], trimmed...)
				return len(p), nil
			}
			f.err = fmt.Errorf("--jq: the output is not JSON: %w", err)
			return 0, f.err
		}
		f.buf = append(f.buf[:0], trimmed[dec.InputOffset():]...)
		if err := f.apply(v); err != nil {
			f.err = err
			return 0, err
		}
	}
}

// apply runs the query on one value and prints its results.
func (f *jqFilter) apply(v any) error {
	iter := f.code.RunWithContext(f.ctx, v)
	var out bytes.Buffer
	for {
		r, ok := iter.Next()
		if !ok {
			break
		}
		if err, isErr := r.(error); isErr {
			var halt *gojq.HaltError
			if errors.As(err, &halt) && halt.Value() == nil {
				break
			}
			return fmt.Errorf("--jq: %v", err)
		}
		switch r := r.(type) {
		case string:
			out.WriteString(sanitize.Text(r))
			out.WriteByte('\n')
		default:
			js, err := gojq.Marshal(r)
			if err != nil {
				return fmt.Errorf("--jq: %v", err)
			}
			if len(js) > 2 && (js[0] == '{' || js[0] == '[') {
				var ind bytes.Buffer
				if json.Indent(&ind, js, "", "  ") == nil {
					js = ind.Bytes()
				}
			}
			out.Write(js)
			out.WriteByte('\n')
		}
	}
	return writeEscaped(f.out, out.Bytes())
}

// close reports a value left incomplete at the end of the command.
func (f *jqFilter) close() error {
	if f.err != nil {
		return f.err
	}
	if len(strings.TrimSpace(string(f.buf))) > 0 {
		return errors.New("--jq: the output ended in the middle of a JSON value")
	}
	return nil
}
