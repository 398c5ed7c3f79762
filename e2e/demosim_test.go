package e2e

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/client/sim"
)

// demoSim starts the demo simulator on loopback and returns it with a
// client acting as the demo agent, the agent's identity and a registered
// user endpoint.
func demoSim(t *testing.T) (*sim.Server, *client.Client, client.Identity, string) {
	t.Helper()
	s, err := sim.New(sim.Options{Seed: 1, Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	api, err := client.New(client.Config{Server: s.URL(), Token: s.IssueToken(sim.RoleAgent, time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	id, err := api.Identity(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ep, err := api.RegisterEndpoint(ctx, client.RegisterEndpointCommand{KeepAliveSeconds: 3600})
	if err != nil {
		t.Fatal(err)
	}
	return s, api, id, ep
}

// interactionOf returns the id of the demo interaction with this customer.
func interactionOf(t *testing.T, s *sim.Server, customer string) string {
	t.Helper()
	for _, it := range s.Interactions() {
		if bytes.Contains(it.Data, []byte(`"customerName":"`+customer+`"`)) {
			return it.ID
		}
	}
	t.Fatalf("no demo interaction with customer %q", customer)
	return ""
}
