package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/koehq/koe/migrations"
	"github.com/koehq/koe/store"
)

func newImportCmd(e *env) *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use:   "import all --file koe.jsonl",
		Short: "Load a `koe export all` into an empty database (all of it, or nothing)",
		Long: `Load what ` + "`koe export all`" + ` wrote into an empty Koe database, in one transaction: every row or,
on any error (which names its line), none. The export must come from the same schema version
(run ` + "`koe migrate`" + ` on the old instance first, or use the same Koe version). --file - reads standard input.`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"all"},
		RunE: e.withDB(func(ctx context.Context, db *database, args []string) error {
			if args[0] != "all" {
				return fmt.Errorf("import %q: only `koe import all` exists", args[0])
			}
			if file == "" {
				return fmt.Errorf("--file is required: the file `koe export all` wrote (or - for standard input)")
			}
			var r = e.in
			if file != "-" {
				f, err := os.Open(file)
				if err != nil {
					return fmt.Errorf("open %s: %w", file, err)
				}
				defer f.Close()
				r = f
			}
			counts, err := importAll(ctx, db, bufio.NewReaderSize(r, 1<<20), file)
			if err != nil {
				return err
			}
			var parts []string
			total := 0
			for t, n := range counts {
				parts = append(parts, fmt.Sprintf("%s=%d", t, n))
				total += n
			}
			sort.Strings(parts)
			fmt.Fprintf(e.stdout, "imported %d rows: %s\n", total, strings.Join(parts, " "))
			return nil
		}),
	}
	cmd.Flags().StringVar(&file, "file", "", "the export (- for standard input)")
	return cmd
}

func importAll(ctx context.Context, db *database, r *bufio.Reader, name string) (map[string]int, error) {
	line := 0
	read := func() ([]byte, error) {
		b, err := r.ReadBytes('\n')
		if len(b) > 0 {
			line++
			return b, nil
		}
		return nil, err
	}
	first, err := read()
	if err != nil {
		return nil, fmt.Errorf("%s: empty: not a `koe export all`", name)
	}
	var h backupHeader
	if err := json.Unmarshal(first, &h); err != nil || h.KoeExport != 1 {
		return nil, fmt.Errorf("%s:1: not a `koe export all` (its first line is its header)", name)
	}
	if h.Schema != migrations.Latest() {
		return nil, fmt.Errorf("%s: exported at schema version %d, this Koe is at %d: export and import with the same Koe version", name, h.Schema, migrations.Latest())
	}
	return db.ImportAll(ctx, func() (store.BackupRow, bool, error) {
		b, err := read()
		if err == io.EOF {
			return store.BackupRow{}, false, nil
		}
		if err != nil {
			return store.BackupRow{}, false, fmt.Errorf("%s:%d: %w", name, line+1, err)
		}
		var row struct {
			Table string          `json:"table"`
			Row   json.RawMessage `json:"row"`
		}
		if err := json.Unmarshal(b, &row); err != nil || row.Table == "" || len(row.Row) == 0 {
			return store.BackupRow{}, false, fmt.Errorf("%s:%d: not a row of an export: %.80q", name, line, string(b))
		}
		return store.BackupRow{Table: row.Table, Row: row.Row}, true, nil
	})
}
