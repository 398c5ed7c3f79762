package snapdashtest

import (
	"testing"
	"time"
)

// SetTB makes d report its failures to t.
func SetTB(d *Dashboard, t testing.TB) { d.t = t }

// SetTimeout changes how long d's waits last.
func SetTimeout(d *Dashboard, timeout time.Duration) { d.timeout = timeout }
