package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/url"
	"text/tabwriter"
	"time"

	"github.com/snapdash/snapdash/client/sim"
)

// demoApplicationID is the application id the simulator's users are told to
// use; the simulator accepts any.
const demoApplicationID = "snapdash-demo"

func simCmd() *command {
	var (
		addr, data string
		broker     string
		seed       int64
		delay      time.Duration
		opaque     bool
	)
	return &command{
		name: "sim", summary: "serve the built-in simulator (demo data, simulated customers) until interrupted",
		group: "other",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&addr, "addr", "127.0.0.1:8080", "listen address")
			fs.StringVar(&data, "data", "", "keep the simulator's state in `DIR` across restarts")
			fs.Int64Var(&seed, "seed", 1, "seed of ids and pictures")
			fs.DurationVar(&delay, "acquire-delay", sim.DefaultAcquireDelay, "how long a simulated device takes to answer")
			fs.BoolVar(&opaque, "opaque-tokens", false, "issue opaque bearer tokens (not JWTs); the user id is then only in the token response")
			fs.StringVar(&broker, "mqtt-broker", "", "also publish events to this MQTT broker `URL` (tcp://127.0.0.1:1883), as the platform does")
		},
		run: func(ctx context.Context, e *env, _ []string) error {
			cfg, err := e.loadConfig()
			if err != nil {
				return err
			}
			log, closer, err := openLog(cfg.LogFile)
			if err != nil {
				return err
			}
			defer closer.Close()
			srv, err := sim.New(sim.Options{
				Seed: seed, DataDir: data, Demo: true, Customers: true,
				AcquireDelay: delay, Logger: log, MQTTBroker: broker, OpaqueTokens: opaque,
			})
			if err != nil {
				return fmt.Errorf("sim: %w", err)
			}
			if err := srv.Start(addr); err != nil {
				return fmt.Errorf("sim: %w", err)
			}
			log.Info("simulator started", "url", srv.URL(), "data", data)
			printSimBanner(e, srv, addr, broker)
			<-ctx.Done()
			fmt.Fprintln(e.stderr, "snapdash: sim: stopping")
			if err := srv.Close(); err != nil {
				return fmt.Errorf("sim: %w", err)
			}
			log.Info("simulator stopped")
			return nil
		},
	}
}

// printSimBanner tells the user where the simulator is and how to use it.
// The credentials are the simulator's fixed demo values, not secrets.
func printSimBanner(e *env, srv *sim.Server, listen, broker string) {
	w := e.stdout
	fmt.Fprintf(w, "snapdash simulator listening on %s\n\nDemo credentials:\n", srv.URL())
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	creds := srv.Credentials()
	for _, c := range creds {
		fmt.Fprintf(tw, "  %s\tclient id %s\tclient secret %s\n", c.Role, c.ClientID, c.ClientSecret)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nIn another shell:\n  export SNAPDASH_SERVER=%s\n", srv.URL())
	for _, c := range creds {
		if c.Role == sim.RoleAgent {
			fmt.Fprintf(w, "  export SNAPDASH_CLIENT_ID=%s\n  export SNAPDASH_CLIENT_SECRET=%s\n", c.ClientID, c.ClientSecret)
			break
		}
	}
	fmt.Fprintf(w, "  export SNAPDASH_APPLICATION_ID=%s\n  snapdash\n", demoApplicationID)
	if broker != "" {
		fmt.Fprintf(w, "\nEvents also go to the MQTT broker at %s; follow them with\n  snapdash --events mqtt --mqtt-url ws://<broker host>:<its websocket port>/ws\n", redactBroker(broker))
	}
	fmt.Fprintln(w, "\nPress Ctrl-C to stop.")
	if !loopback(listen) {
		fmt.Fprintln(e.stderr, "snapdash: sim: warning: reachable beyond this machine, and the demo credentials are public")
	}
}

// redactBroker drops user info from a broker URL before it is printed.
func redactBroker(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(invalid URL)"
	}
	u.User = nil
	return u.String()
}

// loopback reports whether the listen address only accepts local
// connections.
func loopback(listen string) bool {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
