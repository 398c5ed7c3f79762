package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
)

// stateFile is the name of the saved state inside DataDir.
const stateFile = "state.json"

// safeName guards file names built from ids.
var safeName = regexp.MustCompile(`^[A-Za-z0-9._-]{1,128}$`)

// load reads DataDir/state.json when present. It reports whether a saved
// state was found.
func (s *Server) load() (bool, error) {
	if s.opts.DataDir == "" {
		return false, nil
	}
	if err := os.MkdirAll(filepath.Join(s.opts.DataDir, "images"), 0o750); err != nil {
		return false, fmt.Errorf("sim: data dir: %w", err)
	}
	b, err := os.ReadFile(filepath.Join(s.opts.DataDir, stateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("sim: read state: %w", err)
	}
	st := newState()
	if err := json.Unmarshal(b, st); err != nil {
		return false, fmt.Errorf("sim: parse %s: %w", stateFile, err)
	}
	fresh := newState()
	if st.Snapshots == nil {
		st.Snapshots = fresh.Snapshots
	}
	if st.Interactions == nil {
		st.Interactions = fresh.Interactions
	}
	if st.Endpoints == nil {
		st.Endpoints = fresh.Endpoints
	}
	if st.CameraRequests == nil {
		st.CameraRequests = fresh.CameraRequests
	}
	if len(st.RNG) > 0 {
		if err := s.pcg.UnmarshalBinary(st.RNG); err != nil {
			return false, fmt.Errorf("sim: restore rng: %w", err)
		}
	}
	s.mu.Lock()
	s.st = st
	s.mu.Unlock()
	return true, nil
}

// save writes the state atomically (temp file + rename). It is a no-op
// without DataDir. saveMu orders writers so the newest state lands last.
func (s *Server) save() error {
	if s.opts.DataDir == "" {
		return nil
	}
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	s.mu.Lock()
	rng, err := s.pcg.MarshalBinary()
	if err == nil {
		s.st.RNG = rng
		var b []byte
		b, err = json.MarshalIndent(s.st, "", " ")
		s.mu.Unlock()
		if err == nil {
			err = writeAtomic(filepath.Join(s.opts.DataDir, stateFile), b)
		}
	} else {
		s.mu.Unlock()
	}
	if err != nil {
		return fmt.Errorf("sim: save state: %w", err)
	}
	return nil
}

// persist saves after a change, logging (not returning) a failure.
func (s *Server) persist() {
	if err := s.save(); err != nil {
		s.log.Error("sim: persist", "err", err)
	}
}

// writeImageFile stores an image under DataDir/images. Callers hold s.mu;
// the file is complete before the state that names it is saved.
func (s *Server) writeImageFile(id, suffix string, b []byte) {
	if s.opts.DataDir == "" {
		return
	}
	name := id + "." + suffix
	if !safeName.MatchString(name) {
		s.log.Error("sim: unsafe image name", "name", name)
		return
	}
	if err := writeAtomic(filepath.Join(s.opts.DataDir, "images", name), b); err != nil {
		s.log.Error("sim: write image", "err", err)
	}
}

// readImageFile loads an image saved by writeImageFile.
func (s *Server) readImageFile(id, suffix string) ([]byte, error) {
	if s.opts.DataDir == "" {
		return nil, fs.ErrNotExist
	}
	name := id + "." + suffix
	if !safeName.MatchString(name) {
		return nil, fs.ErrNotExist
	}
	return os.ReadFile(filepath.Join(s.opts.DataDir, "images", name))
}

// writeAtomic writes b to path through a temporary file and a rename.
func writeAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	if _, err := tmp.Write(b); err != nil {
		_ = tmp.Close()
		_ = os.Remove(name)
		return err
	}
	if err := tmp.Close(); err != nil {
		_ = os.Remove(name)
		return err
	}
	if err := os.Rename(name, path); err != nil {
		_ = os.Remove(name)
		return err
	}
	return nil
}
