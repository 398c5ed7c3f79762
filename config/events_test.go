package config

import (
	"strings"
	"testing"
)

func TestEventsTransportPrecedence(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "events:\n  transport: sse\n  mqtt_url: wss://broker.example/ws\n", 0o600)
	load := func(envs map[string]string, flags map[string]string) (*Config, error) {
		envs["HOME"] = dir
		envs["SNAPDASH_CONFIG"] = p
		return Load(LoadOptions{Getenv: env(envs), Flags: flags})
	}
	c, err := load(map[string]string{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Events.Transport != "sse" || c.Events.MQTTURL != "wss://broker.example/ws" || c.Origin("events") != FromFile {
		t.Fatalf("file: %+v %v", c.Events, c.Origins)
	}
	c, err = load(map[string]string{"SNAPDASH_EVENTS": "MQTT", "SNAPDASH_MQTT_URL": "ws://127.0.0.1:9001/ws"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Events.Transport != "mqtt" || c.Events.MQTTURL != "ws://127.0.0.1:9001/ws" || c.Origin("mqtt-url") != FromEnv {
		t.Fatalf("env: %+v", c.Events)
	}
	c, err = load(map[string]string{"SNAPDASH_EVENTS": "mqtt"}, map[string]string{"events": "poll"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Events.Transport != "poll" || c.Origin("events") != FromFlag {
		t.Fatalf("flag: %+v", c.Events)
	}
}

func TestEventsTransportDefaultAndErrors(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(LoadOptions{Getenv: env(map[string]string{"HOME": dir})})
	if err != nil {
		t.Fatal(err)
	}
	if c.Events.Transport != "auto" || c.Events.MQTTURL != "" {
		t.Fatalf("defaults: %+v", c.Events)
	}
	for flag, val := range map[string]string{
		"events":   "carrier-pigeon",
		"mqtt-url": "https://broker.example/ws",
	} {
		_, err := Load(LoadOptions{Getenv: env(map[string]string{"HOME": dir}), Flags: map[string]string{flag: val}})
		if err == nil || !strings.Contains(err.Error(), val) {
			t.Errorf("--%s %s: %v", flag, val, err)
		}
	}
}

func TestPlainWSOnlyToLoopback(t *testing.T) {
	dir := t.TempDir()
	flags := map[string]string{"mqtt-url": "ws://broker.example:9001/ws"}
	_, err := Load(LoadOptions{Getenv: env(map[string]string{"HOME": dir}), Flags: flags})
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("plain ws to another machine: %v", err)
	}
	flags["allow-insecure-http"] = "true"
	c, err := Load(LoadOptions{Getenv: env(map[string]string{"HOME": dir}), Flags: flags})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.InsecureURLs(); len(got) != 1 || got[0] != "ws://broker.example:9001/ws" {
		t.Fatalf("insecure URLs %v", got)
	}
}
