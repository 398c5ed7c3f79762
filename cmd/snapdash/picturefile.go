package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"golang.org/x/term"

	"github.com/snapdash/snapdash/config"
)

// notAPicture refuses a directory or a special file (a device, a socket)
// where a picture file is expected, as a usage mistake: the command names
// something that can never be a picture. A named pipe is read like a file
// (`show /dev/stdin` in a pipeline).
func notAPicture(cmd, arg string, st fs.FileInfo) error {
	switch m := st.Mode(); {
	case m.IsDir():
		return usagef("%s: %s is a directory, not a picture", cmd, arg)
	case m&(fs.ModeDevice|fs.ModeSocket|fs.ModeIrregular) != 0 && m&fs.ModeNamedPipe == 0:
		return usagef("%s: %s is a special file, not a picture", cmd, arg)
	}
	return nil
}

// openPicture opens the picture file a command sends: arg, or standard
// input for "-" (copied to a private temporary file first, so that the
// upload can show its progress and be retried). done closes and removes
// what was opened.
func (e *env) openPicture(cmd, arg string) (f *os.File, done func(), err error) {
	if arg == "-" {
		return e.stdinPicture(cmd)
	}
	f, err = os.Open(arg)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", cmd, err)
	}
	st, err := f.Stat()
	if err == nil {
		err = notAPicture(cmd, arg, st)
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

// stdinPicture copies standard input to a private temporary file, up to
// the largest picture any setting allows (the client checks the
// configured cap when it sends it).
func (e *env) stdinPicture(cmd string) (*os.File, func(), error) {
	if in, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(in.Fd())) {
		return nil, nil, usagef("%s: - reads the picture from standard input, which is a terminal: pipe a picture in or name a file", cmd)
	}
	tmp, err := os.CreateTemp("", "snapdash-stdin-*")
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", cmd, err)
	}
	done := func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}
	const most = int64(config.MaxMaxImageMB) << 20
	n, err := io.Copy(tmp, io.LimitReader(e.stdin, most+1))
	switch {
	case err != nil:
		err = fmt.Errorf("%s: reading standard input: %w", cmd, err)
	case n == 0:
		err = usagef("%s: standard input is empty: pipe a picture in", cmd)
	case n > most:
		err = fmt.Errorf("%s: standard input is larger than %d MiB", cmd, config.MaxMaxImageMB)
	}
	if err == nil {
		_, err = tmp.Seek(0, io.SeekStart)
	}
	if err != nil {
		done()
		return nil, nil, err
	}
	return tmp, done, nil
}

// readStdinPicture reads a picture to draw from standard input, up to
// limit bytes.
func (e *env) readStdinPicture(cmd string, limit int64) ([]byte, error) {
	if in, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(in.Fd())) {
		return nil, usagef("%s: - reads the picture from standard input, which is a terminal: pipe a picture in or name a file", cmd)
	}
	data, err := io.ReadAll(io.LimitReader(e.stdin, limit+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("%s: reading standard input: %w", cmd, err)
	case len(data) == 0:
		return nil, usagef("%s: standard input is empty: pipe a picture in", cmd)
	case int64(len(data)) > limit:
		return nil, errors.New(cmd + ": standard input is larger than a picture may be")
	}
	return data, nil
}
