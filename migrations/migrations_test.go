package migrations_test

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"testing/fstest"

	_ "github.com/lib/pq"

	"github.com/koehq/koe/internal/pgtest"
	"github.com/koehq/koe/migrations"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var discard = slog.New(slog.DiscardHandler)

func open(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestUpTwiceIsNoop(t *testing.T) {
	db := open(t, pgtest.EmptyURL(t))
	ctx := context.Background()
	n, err := migrations.Up(ctx, db, discard)
	if err != nil {
		t.Fatal(err)
	}
	all, _ := migrations.All()
	if got, want := n, len(all); got != want {
		t.Fatalf("first Up applied %d, want %d", got, want)
	}
	n, err = migrations.Up(ctx, db, discard)
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("second Up applied %d, want 0", n)
	}
	cur, pending, err := migrations.Status(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if cur != migrations.Latest() || pending != 0 {
		t.Fatalf("status = %d, %d pending; want %d, 0", cur, pending, migrations.Latest())
	}
}

func TestConcurrentUpDoesNotCollide(t *testing.T) {
	url := pgtest.EmptyURL(t)
	const replicas = 4
	var wg sync.WaitGroup
	counts := make([]int, replicas)
	errs := make([]error, replicas)
	for i := range replicas {
		db := open(t, url) // one pool per "replica"
		wg.Add(1)
		go func() {
			defer wg.Done()
			counts[i], errs[i] = migrations.Up(context.Background(), db, discard)
		}()
	}
	wg.Wait()
	total := 0
	for i := range replicas {
		if errs[i] != nil {
			t.Fatalf("replica %d: %v", i, errs[i])
		}
		total += counts[i]
	}
	all, _ := migrations.All()
	if total != len(all) {
		t.Fatalf("replicas applied %d migrations in all, want %d (each once)", total, len(all))
	}
}

func TestSchemaNewerRefused(t *testing.T) {
	db := open(t, pgtest.URL(t))
	ctx := context.Background()
	if _, err := db.Exec(`INSERT INTO schema_migrations (version, name) VALUES (99999, 'from_the_future')`); err != nil {
		t.Fatal(err)
	}
	if _, err := migrations.Up(ctx, db, discard); !errors.Is(err, migrations.ErrSchemaNewer) {
		t.Fatalf("Up err = %v, want ErrSchemaNewer", err)
	}
	if _, _, err := migrations.Status(ctx, db); !errors.Is(err, migrations.ErrSchemaNewer) {
		t.Fatalf("Status err = %v, want ErrSchemaNewer", err)
	}
}

func TestParseFile(t *testing.T) {
	fsys := fstest.MapFS{
		"00002_b.sql": {Data: []byte("-- +goose Up\nCREATE TABLE b ();\n-- +goose Down\nDROP TABLE b;\n")},
		"00001_a.sql": {Data: []byte("-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY x ON y (z);\n")},
	}
	all, err := migrations.ParseDir(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Version != 1 || !all[0].NoTx || all[1].NoTx {
		t.Fatalf("parsed %+v", all)
	}
	if got, want := all[1].Up, "CREATE TABLE b ();\n"; got != want {
		t.Fatalf("up = %q, want %q", got, want)
	}
	bad := fstest.MapFS{"x.sql": {Data: []byte("-- +goose Up\nSELECT 1;")}}
	if _, err := migrations.ParseDir(bad); err == nil {
		t.Fatal("a file without a version parsed")
	}
}
