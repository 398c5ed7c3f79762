package sim

import (
	"hash/fnv"
	"time"

	"github.com/snapdash/snapdash/client"
)

// deviceHook lets the simulated customer devices react to an event. It runs
// under s.mu; the answers come later from timers that Close stops.
func (s *Server) deviceHook(ev client.Event) {
	if !s.opts.Customers || s.closed {
		return
	}
	var dev *Device
	for i := range s.st.Devices {
		if s.st.Devices[i].UserEndpointID == ev.TargetUserEndpointID {
			dev = &s.st.Devices[i]
		}
	}
	if dev == nil || ev.TargetUserEndpointID == "" {
		return
	}
	d := *dev
	switch ev.Type {
	case client.EventSnapshotRequested:
		snapID, typ := ev.SnapshotID, ev.SnapshotType
		s.afterLocked(s.opts.AcquireDelay, func() { s.deviceAcquire(d, snapID, typ) })
	case client.EventSnapshotCameraRequested:
		reqID, typ := ev.SnapshotCameraRequestID, ev.CameraRequestType
		s.afterLocked(s.opts.AcquireDelay/3, func() { s.deviceCamera(d, reqID, typ) })
	}
}

// afterLocked runs f after d unless the server closes first. Callers hold
// s.mu. Close waits for a running f.
func (s *Server) afterLocked(d time.Duration, f func()) {
	s.wg.Add(1)
	var t *time.Timer
	t = time.AfterFunc(d, func() {
		defer s.wg.Done()
		s.mu.Lock()
		_, live := s.timers[t]
		delete(s.timers, t)
		closed := s.closed
		s.mu.Unlock()
		if !live || closed {
			return
		}
		f()
	})
	s.timers[t] = struct{}{}
}

// deviceAcquire is a device taking the requested picture and posting it
// through the same code path as POST /snapshots/acquire.
func (s *Server) deviceAcquire(d Device, snapID, snapType string) {
	kind := pictureKind(snapType)
	img, err := s.picture(kind + ":" + itoa(pictureSeed(s.opts.Seed, snapID)))
	if err != nil {
		s.log.Error("sim: device picture", "err", err)
		return
	}
	if snapType == "" {
		snapType = "other"
	}
	if fe := s.acquire(d.UserID, newAcquireForm(snapID, d.UserEndpointID, snapType, img)); len(fe) > 0 {
		s.log.Debug("sim: device acquire refused", "snapshot", snapID, "errors", fe)
		return
	}
	s.persist()
}

// deviceCamera is a device carrying out a camera command.
func (s *Server) deviceCamera(d Device, reqID string, typ client.CameraRequestType) {
	ok, info := true, ""
	switch typ {
	case client.CameraSwitch:
		info = "switched to the rear camera"
	case client.CameraFlashOn:
		if d.HasFlash {
			info = "flash on"
		} else {
			ok, info = false, "device has no flash"
		}
	case client.CameraFlashOff:
		info = "flash off"
		if !d.HasFlash {
			info = "device has no flash; nothing to turn off"
		}
	}
	cmd := client.CameraRequestRespondCommand{
		SnapshotCameraRequestID: reqID, UserEndpointID: d.UserEndpointID,
		Succeeded: client.BoolPtr(ok), AdditionalInformation: info,
	}
	if fe := s.cameraRespond(d.UserID, cmd); len(fe) > 0 {
		s.log.Debug("sim: device camera answer refused", "request", reqID, "errors", fe)
		return
	}
	s.persist()
}

// pictureSeed derives a per-snapshot picture seed.
func pictureSeed(seed int64, id string) int64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return int64(h.Sum64()>>1) ^ seed
}
