package client

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/gorilla/websocket"
)

// openWebsocket returns paho's connection opener for ws:// and wss:// brokers.
// Unlike paho's own it stops when ctx is done (also while the CONNACK is
// awaited: the connection is closed) and says what a failed handshake got
// back, e.g. a 404 for a wrong WebSocket path. Proxies come from the
// environment (HTTPS_PROXY, NO_PROXY), as for the API.
func (s *Stream) openWebsocket(ctx context.Context) mqtt.OpenConnectionFunc {
	return func(uri *url.URL, o mqtt.ClientOptions) (net.Conn, error) {
		u := *uri
		u.User = nil
		dialer := websocket.Dialer{
			Proxy:            http.ProxyFromEnvironment,
			HandshakeTimeout: mqttConnectTimeout,
			TLSClientConfig:  &tls.Config{MinVersion: tls.VersionTLS12},
			Subprotocols:     []string{"mqtt"},
		}
		hdr := http.Header{}
		if s.deps.mqtt.userAgent != "" {
			hdr.Set("User-Agent", s.deps.mqtt.userAgent)
		}
		ws, resp, err := dialer.DialContext(ctx, u.String(), hdr)
		if resp != nil && resp.Body != nil {
			_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
			resp.Body.Close()
		}
		if err != nil {
			if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
				return nil, fmt.Errorf("WebSocket handshake: the server answered %s (is the WebSocket path right?)", resp.Status)
			}
			return nil, redactURLError(err)
		}
		c := &wsConn{ws: ws}
		c.stop = context.AfterFunc(ctx, func() { _ = ws.Close() })
		return c, nil
	}
}

// wsConn makes a WebSocket a net.Conn for paho: MQTT packets travel in binary
// messages, which need not line up with packet boundaries.
type wsConn struct {
	ws   *websocket.Conn
	stop func() bool // unregisters the close-on-cancel hook

	rmu sync.Mutex
	r   io.Reader // the message being read

	wmu sync.Mutex
}

// Read reads from the current message, moving on to the next at its end.
func (c *wsConn) Read(p []byte) (int, error) {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	for {
		if c.r == nil {
			typ, r, err := c.ws.NextReader()
			if err != nil {
				return 0, err
			}
			if typ != websocket.BinaryMessage {
				continue // MQTT over WebSocket is binary; skip anything else
			}
			c.r = r
		}
		n, err := c.r.Read(p)
		if err == io.EOF {
			c.r = nil
			if n > 0 {
				return n, nil
			}
			continue
		}
		return n, err
	}
}

// Write sends p as one binary message.
func (c *wsConn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.ws.WriteMessage(websocket.BinaryMessage, p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close closes the WebSocket's connection.
func (c *wsConn) Close() error {
	c.stop()
	return c.ws.Close()
}

// LocalAddr returns the local network address.
func (c *wsConn) LocalAddr() net.Addr { return c.ws.LocalAddr() }

// RemoteAddr returns the broker's network address.
func (c *wsConn) RemoteAddr() net.Addr { return c.ws.RemoteAddr() }

// SetDeadline sets both deadlines.
func (c *wsConn) SetDeadline(t time.Time) error {
	if err := c.ws.SetReadDeadline(t); err != nil {
		return err
	}
	return c.ws.SetWriteDeadline(t)
}

// SetReadDeadline sets the read deadline.
func (c *wsConn) SetReadDeadline(t time.Time) error { return c.ws.SetReadDeadline(t) }

// SetWriteDeadline sets the write deadline.
func (c *wsConn) SetWriteDeadline(t time.Time) error { return c.ws.SetWriteDeadline(t) }
