package workloads

import (
	"os"
	"os/exec"
	"testing"
)

// TestMain lets the tests' binary serve as the echo workloads' Go servers,
// which it runs by re-executing itself.
func TestMain(m *testing.M) {
	ServeEchoIfAsked()
	os.Exit(m.Run())
}

// TestEchoGevent runs the gevent row of an echo workload when real gevent
// is installed: the script's server, driven by the Go client.
func TestEchoGevent(t *testing.T) {
	if err := exec.Command("/usr/bin/python3", "-c", "import gevent").Run(); err != nil {
		t.Skip("no python3-gevent for /usr/bin/python3: ", err)
	}
	f, err := Lookup("echo_100").Func(GeventImpl)
	if err != nil {
		t.Fatal(err)
	}
	m, err := f(300)
	if err != nil {
		t.Fatal(err)
	}
	if m[echoServerCPU] <= 0 || m[echoReqPerSec] <= 0 {
		t.Errorf("metrics %v: want a positive server CPU per request and rate", m)
	}
}
