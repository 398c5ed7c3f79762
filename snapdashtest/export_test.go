package snapdashtest

import "testing"

// SetTB makes d report its failures to t.
func SetTB(d *Dashboard, t testing.TB) { d.t = t }
