// Command greenletvet runs the greenletvet analyzer (package
// github.com/gevent-go/gevent/greenletvet) under go vet:
//
//	go build -o greenletvet ./cmd/greenletvet
//	go vet -vettool=$PWD/greenletvet ./...
//
// go vet runs it on each package, test files included, and exits non-zero
// if it reports anything.
package main

import (
	"github.com/gevent-go/gevent/greenletvet"
	"golang.org/x/tools/go/analysis/unitchecker"
)

func main() { unitchecker.Main(greenletvet.Analyzer) }
