package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// timeLayouts are the textual timestamp forms an event may carry: RFC 3339
// with a "Z", "±hh:mm", "±hhmm" or "±hh" offset, or no zone at all (read as
// UTC). A fraction of a second is accepted after the seconds in every form
// (time.Parse does so even when the layout has none); a space may stand for
// the "T".
var timeLayouts = []string{
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05Z07",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05Z0700",
	"2006-01-02 15:04:05Z07",
	"2006-01-02 15:04:05",
}

// epochMillisAbove: a number above it is read as Unix milliseconds, below as
// seconds (1e11 seconds is the year 5138; 1e11 milliseconds is 1973).
const epochMillisAbove = 1e11

// ParseEventTime reads an event's timestamp leniently: RFC 3339 with or
// without a fraction, "±hhmm" and "±hh:mm" offsets, no zone (UTC), and
// Unix epoch seconds or milliseconds, as a JSON number or a string. raw is
// the JSON value as sent. A missing value (null) is an error like any
// other unreadable one; the caller decides what time to use instead.
func ParseEventTime(raw json.RawMessage) (time.Time, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return time.Time{}, fmt.Errorf("no timestamp")
	case raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return time.Time{}, fmt.Errorf("timestamp %s: %w", clip(raw), err)
		}
		return parseTimeText(s)
	case raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9'):
		return parseEpoch(string(raw))
	}
	return time.Time{}, fmt.Errorf("timestamp %s is neither a string nor a number", clip(raw))
}

func parseTimeText(s string) (time.Time, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return time.Time{}, fmt.Errorf("empty timestamp")
	}
	if _, err := strconv.ParseFloat(t, 64); err == nil {
		return parseEpoch(t)
	}
	up := strings.ToUpper(t) // "t" and "z" are allowed by RFC 3339
	for _, l := range timeLayouts {
		if at, err := time.Parse(l, up); err == nil {
			return at.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("timestamp %q is in no known form", clip([]byte(s)))
}

func parseEpoch(s string) (time.Time, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f <= 0 {
		return time.Time{}, fmt.Errorf("timestamp %s is not a time since 1970", clip([]byte(s)))
	}
	if f > epochMillisAbove {
		f /= 1000
	}
	if f > 1e13 { // beyond the year 300,000: not a time
		return time.Time{}, fmt.Errorf("timestamp %s is out of range", clip([]byte(s)))
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e6))*1e3).UTC(), nil
}

// clip bounds a bad value quoted in an error.
func clip(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "…"
	}
	return string(b)
}
