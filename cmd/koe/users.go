package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/koehq/koe/feedback"
)

func newUsersCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "users",
		Short: "Staff who may sign in, and their roles",
	}
	cmd.AddCommand(newUsersAddCmd(e), newUsersRemoveCmd(e), newUsersListCmd(e))
	return cmd
}

func newUsersAddCmd(e *env) *cobra.Command {
	var role, name string
	cmd := &cobra.Command{
		Use:   "add EMAIL --role admin|cs|po|viewer",
		Short: "Add a staff member, or change their role (the first admin is added this way)",
		Long: `Add a staff member who signs in as EMAIL, or change the name and role of one already there,
and say how they can sign in with this configuration: with each OpenID Connect provider of
KOE_OIDC_PROVIDERS that signs staff in and lets the address's domain in (KOE_OIDC_<NAME>_FOR,
_ALLOWED_DOMAINS), with Google when KOE_GOOGLE_CLIENT_ID is set and the address's domain is in
KOE_ALLOWED_DOMAINS, with a link by email when KOE_SMTP_ADDR is set. With none, a warning goes to stderr (the user is added all the same). Roles: admin (users,
weights, sources), cs (triage), po (status, public wording), viewer (read).`,
		Args: cobra.ExactArgs(1),
		RunE: e.withDB(func(ctx context.Context, db *database, args []string) error {
			u, err := db.SaveUser(ctx, feedback.User{Email: args[0], Name: name, Role: feedback.Role(role)})
			if err != nil {
				return err
			}
			e.sayHowToSignIn(u)
			return nil
		}),
	}
	cmd.Flags().StringVar(&role, "role", "", "admin, cs, po or viewer (required)")
	cmd.Flags().StringVar(&name, "name", "", "display name")
	_ = cmd.MarkFlagRequired("role")
	return cmd
}

func newUsersRemoveCmd(e *env) *cobra.Command {
	var actor string
	cmd := &cobra.Command{
		Use:   "remove EMAIL",
		Short: "Take a staff member away and end their sessions at once",
		Long: `Remove the staff member signed in as EMAIL: their sessions end in the same transaction (an open
dashboard answers 401 on its next request), no way of signing in finds them again, and the removal
is written to the audit log. The last admin cannot be removed.`,
		Args: cobra.ExactArgs(1),
		RunE: e.withDB(func(ctx context.Context, db *database, args []string) error {
			u, err := db.RemoveUser(ctx, args[0], e.actor(actor))
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, e.say().T("cli.users_removed", "Email", u.Email, "Role", u.Role))
			return nil
		}),
	}
	cmd.Flags().StringVar(&actor, "actor", "", "who is removing them, for the audit log (default cli:$USER)")
	return cmd
}

func newUsersListCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the staff",
		Args:  cobra.NoArgs,
		RunE: e.withDB(func(ctx context.Context, db *database, _ []string) error {
			users, err := db.Users(ctx)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "EMAIL\tNAME\tROLE\tLAST SEEN")
			for _, u := range users {
				seen := "never"
				if u.LastSeenAt != nil {
					seen = e.moment(*u.LastSeenAt)
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", u.Email, u.Name, u.Role, seen)
			}
			return w.Flush()
		}),
	}
}

// sayHowToSignIn tells the truth about how u can sign in to `koe serve` with the configuration
// at hand, and warns on stderr when no way exists (the user stays added: the way may come later).
func (e *env) sayHowToSignIn(u feedback.User) {
	p := e.say()
	domain := strings.ToLower(u.Email[strings.LastIndex(u.Email, "@")+1:])
	var ways []string
	if e.cfg.GoogleClientID != "" && slices.Contains(e.cfg.AllowedDomains, domain) {
		ways = append(ways, p.T("cli.users_way_google", "Domain", domain))
	}
	for _, o := range e.cfg.OIDC {
		if o.Staff() && (len(o.AllowedDomains) == 0 || slices.Contains(o.AllowedDomains, domain)) {
			ways = append(ways, p.T("cli.users.way_oidc", "Label", o.Label, "Email", u.Email, "URL", e.cfg.BaseURL))
		}
	}
	if e.cfg.Mail.SMTPAddr != "" {
		ways = append(ways, p.T("cli.users_way_mail", "Email", u.Email, "URL", e.cfg.BaseURL))
	}
	if len(ways) == 0 {
		fmt.Fprintln(e.stdout, p.T("cli.users_added_no_way", "Email", u.Email, "Role", u.Role))
		fmt.Fprintln(e.stderr, p.T("cli.users.no_way", "Email", u.Email, "Domain", domain))
		return
	}
	fmt.Fprintln(e.stdout, p.T("cli.user_added", "Email", u.Email, "Role", u.Role))
	for _, w := range ways {
		fmt.Fprintln(e.stdout, w)
	}
}
