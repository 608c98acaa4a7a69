package workloads

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gevent-go/gevent/hub"
)

// coreAvailable reports, as an error for the "n/a" cell, why one of our
// cores cannot be measured in this build.
func coreAvailable(impl Impl) error {
	name := strings.TrimPrefix(string(impl), "core=")
	if !slices.Contains(hub.Cores(), name) {
		return fmt.Errorf("core %q is not in this build (cores: %s)", name, strings.Join(hub.Cores(), ", "))
	}
	return nil
}
