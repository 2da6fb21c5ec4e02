package pgembed

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
)

// ErrNoBinaries means no PostgreSQL server binaries were found on this machine.
var ErrNoBinaries = errors.New("PostgreSQL server binaries (initdb, pg_ctl, postgres) not found")

// FindBinaries returns the directory holding initdb, pg_ctl and postgres. It looks, in order, at
// override (KOE_PG_BINDIR), `pg_config --bindir`, /usr/lib/postgresql/*/bin (newest first),
// the usual Homebrew and Postgres.app places, and PATH.
func FindBinaries(override string) (string, error) {
	if override != "" {
		if hasServer(override) {
			return override, nil
		}
		return "", fmt.Errorf("%w in KOE_PG_BINDIR=%s: point it at the directory holding initdb", ErrNoBinaries, override)
	}
	var candidates []string
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		candidates = append(candidates, strings.TrimSpace(string(out)))
	}
	candidates = append(candidates, versioned("/usr/lib/postgresql/*/bin")...)
	candidates = append(candidates, versioned("/opt/homebrew/opt/postgresql@*/bin")...)
	candidates = append(candidates, versioned("/usr/local/opt/postgresql@*/bin")...)
	candidates = append(candidates, versioned("/Applications/Postgres.app/Contents/Versions/*/bin")...)
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			candidates = append(candidates, filepath.Dir(real))
		}
		candidates = append(candidates, filepath.Dir(p))
	}
	for _, dir := range candidates {
		if hasServer(dir) {
			return dir, nil
		}
	}
	return "", fmt.Errorf("%w: %s, or set DATABASE_URL to an existing PostgreSQL 15+", ErrNoBinaries, installHint())
}

func hasServer(dir string) bool {
	for _, name := range []string{"initdb", "pg_ctl", "postgres"} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			return false
		}
	}
	return true
}

// versioned expands a glob whose * is a major version and orders the newest first.
func versioned(pattern string) []string {
	matches, _ := filepath.Glob(pattern)
	star := strings.Index(pattern, "*")
	major := func(p string) float64 {
		rest := p[star:]
		end := strings.IndexAny(rest, "/")
		if end < 0 {
			end = len(rest)
		}
		f, _ := strconv.ParseFloat(rest[:end], 64)
		return f
	}
	sort.SliceStable(matches, func(i, j int) bool { return major(matches[i]) > major(matches[j]) })
	return matches
}

func installHint() string {
	if runtime.GOOS == "darwin" {
		return "install them with `brew install postgresql@16` (or Postgres.app)"
	}
	return "install them with `sudo apt-get install postgresql` (Debian/Ubuntu) or your distribution's PostgreSQL server package, or set KOE_PG_BINDIR"
}
