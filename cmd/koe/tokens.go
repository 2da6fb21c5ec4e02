package main

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func newTokensCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tokens",
		Short: "API tokens for /api/v1 (read, write or intake scope)",
	}
	var scope string
	create := &cobra.Command{
		Use:   "create NAME --scope read|write|intake",
		Short: "Make an API token; it is printed once and only its hash is kept",
		Args:  cobra.ExactArgs(1),
		RunE: e.withDB(func(ctx context.Context, db *database, args []string) error {
			token, t, err := db.CreateAPIToken(ctx, args[0], scope, e.actor(""))
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stderr, e.say().T("cli.token_created", "ID", t.ID, "Name", strconv.Quote(t.Name), "Scope", t.Scope))
			fmt.Fprintln(e.stdout, token)
			return nil
		}),
	}
	create.Flags().StringVar(&scope, "scope", "read", "read; write (also create voices, link, tag); or intake (only create voices: a website widget)")
	list := &cobra.Command{
		Use:   "list",
		Short: "The tokens: name, scope, last use, revoked",
		Args:  cobra.NoArgs,
		RunE: e.withDB(func(ctx context.Context, db *database, _ []string) error {
			tokens, err := db.APITokens(ctx)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tNAME\tPREFIX\tSCOPE\tCREATED\tLAST USED\tREVOKED")
			for _, t := range tokens {
				used, revoked := "—", ""
				if t.LastUsedAt != nil {
					used = e.moment(*t.LastUsedAt)
				}
				if t.RevokedAt != nil {
					revoked = e.moment(*t.RevokedAt)
				}
				fmt.Fprintf(w, "%d\t%s\t%s…\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Prefix, t.Scope, e.day(t.CreatedAt), used, revoked)
			}
			return w.Flush()
		}),
	}
	revoke := &cobra.Command{
		Use:   "revoke ID",
		Short: "End a token: it answers 401 from now on",
		Args:  cobra.ExactArgs(1),
		RunE: e.withDB(func(ctx context.Context, db *database, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("%q is not a token id: see `koe tokens list`", args[0])
			}
			if err := db.RevokeAPIToken(ctx, id, e.actor("")); err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, e.say().T("cli.token_revoked", "ID", id))
			return nil
		}),
	}
	cmd.AddCommand(create, list, revoke)
	return cmd
}
