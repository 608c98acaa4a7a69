// Package csrcsum computes the digest of the C core sources that package cgo
// compiles, for its staleness check (see gen_csrcsum.go in package cgo).
package csrcsum

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"sort"
)

// Sum returns the hex SHA-256 of the names and contents of the *.c, *.h and
// *.S files directly in dir (sorted by name): exactly what the unity files of
// package cgo can include.
func Sum(dir string) (string, error) {
	var names []string
	for _, pat := range []string{"*.c", "*.h", "*.S"} {
		m, err := filepath.Glob(filepath.Join(dir, pat))
		if err != nil {
			return "", err
		}
		names = append(names, m...)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return "", err
		}
		h.Write([]byte(filepath.Base(n) + "\x00"))
		h.Write(b)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
