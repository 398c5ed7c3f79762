package brokertest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// SSLURL is the TLS MQTT listener, ssl://localhost:port (Options.TLS).
func (b *Broker) SSLURL() string { return "ssl://localhost:" + strconv.Itoa(b.sslPort) }

// WSSURL is the TLS WebSocket listener, wss://localhost:port/ws
// (Options.TLS).
func (b *Broker) WSSURL() string { return "wss://localhost:" + strconv.Itoa(b.wssPort) + "/ws" }

// ClientTLS trusts the test's own certificate authority, which signed the
// broker's certificate for localhost and 127.0.0.1 (Options.TLS).
func (b *Broker) ClientTLS() *tls.Config {
	pool := x509.NewCertPool()
	pool.AddCert(b.ca)
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}

// writeCerts makes a certificate authority and a server certificate it
// signed, for the TLS listeners; the files go in the broker's directory.
func (b *Broker) writeCerts() {
	b.t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		b.t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "snapdash test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		b.t.Fatal(err)
	}
	if b.ca, err = x509.ParseCertificate(caDER); err != nil {
		b.t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		b.t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, b.ca, &key.PublicKey, caKey)
	if err != nil {
		b.t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		b.t.Fatal(err)
	}
	b.writePEM("ca.pem", "CERTIFICATE", caDER)
	b.writePEM("server.pem", "CERTIFICATE", der)
	b.writePEM("server.key", "EC PRIVATE KEY", keyDER)
}

func (b *Broker) writePEM(name, typ string, der []byte) {
	b.t.Helper()
	data := pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
	if err := os.WriteFile(filepath.Join(b.dir, name), data, 0o600); err != nil {
		b.t.Fatal(err)
	}
}

// tlsListeners is the config of the TLS listeners.
func (b *Broker) tlsListeners() string {
	files := "cafile " + filepath.Join(b.dir, "ca.pem") + "\ncertfile " + filepath.Join(b.dir, "server.pem") +
		"\nkeyfile " + filepath.Join(b.dir, "server.key") + "\n"
	return "listener " + strconv.Itoa(b.sslPort) + " 127.0.0.1\nprotocol mqtt\n" + files +
		"listener " + strconv.Itoa(b.wssPort) + " 127.0.0.1\nprotocol websockets\n" + files
}
