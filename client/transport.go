package client

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Transport is how the event stream receives events.
type Transport string

// The transports a Stream can use.
const (
	// TransportAuto uses SSE when the server has the events endpoint, else
	// MQTT when a broker answers at the MQTT URL, else polling.
	TransportAuto Transport = "auto"
	// TransportSSE is the server-sent event stream (GET /rtc-api/events),
	// falling back to polling when the server has no such endpoint.
	TransportSSE Transport = "sse"
	// TransportMQTT is the platform's own feed: MQTT 3.1.1 over WebSocket,
	// carrying this user endpoint's own events only.
	TransportMQTT Transport = "mqtt"
	// TransportPoll never streams: the consumer re-lists every PollInterval.
	TransportPoll Transport = "poll"
)

// ParseTransport reads a --events value; the empty string is TransportAuto.
func ParseTransport(s string) (Transport, error) {
	switch t := Transport(strings.ToLower(strings.TrimSpace(s))); t {
	case "":
		return TransportAuto, nil
	case TransportAuto, TransportSSE, TransportMQTT, TransportPoll:
		return t, nil
	}
	return "", fmt.Errorf("events transport %q: want auto, sse, mqtt or poll", s)
}

// DefaultMQTTURL is the broker the platform serves beside its API:
// wss://{host}/ws for an https server, ws://{host}/ws for a plain http one
// (a local gateway or the simulator).
func DefaultMQTTURL(server string) (string, error) {
	base, err := normalizeServer(server)
	if err != nil {
		return "", err
	}
	u, _ := url.Parse(base)
	scheme := "wss"
	if u.Scheme == "http" {
		scheme = "ws"
	}
	return scheme + "://" + u.Host + "/ws", nil
}

// checkMQTTURL accepts ws:// and wss:// URLs with a host and no user info,
// query or fragment.
func checkMQTTURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return errors.New("client: the MQTT URL is malformed")
	}
	if u.Scheme != "ws" && u.Scheme != "wss" {
		return fmt.Errorf("client: MQTT URL %q: scheme must be wss (or ws for a local broker)", redactURL(s))
	}
	if u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("client: MQTT URL %q: want ws[s]://host[:port]/path only", redactURL(s))
	}
	return nil
}

// MQTTTopic is the topic the platform publishes a user endpoint's events
// on: user/{userId}/{userEndpointId}. An id that would change the topic's
// meaning (empty, or holding '/', '+', '#' or NUL) is refused.
func MQTTTopic(userID, endpointID string) (string, error) {
	for _, p := range [...]struct{ name, v string }{{"user id", userID}, {"user endpoint id", endpointID}} {
		if p.v == "" || strings.ContainsAny(p.v, "/+#\x00") {
			return "", fmt.Errorf("events: %s %q cannot be part of an MQTT topic", p.name, p.v)
		}
	}
	return "user/" + userID + "/" + endpointID, nil
}
