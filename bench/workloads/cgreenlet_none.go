//go:build !cgo || purego

package workloads

// Without cgo there is no C core: every workload keeps CGreenlet's default
// reason, said more precisely here.
func init() {
	for _, w := range registry {
		w.add(CGreenlet, nil, "built without cgo: there is no C core")
		w.add(CGreenletHub, nil, "built without cgo: there is no C core")
		w.add(CGreenletAPI, nil, "built without cgo: there is no C core")
	}
}
