package dashboard_test

import (
	"net/http"
	"regexp"
	"slices"
	"testing"

	"github.com/koehq/koe/dashboard"
	"github.com/koehq/koe/feedback"
)

// TestNavigationReachesEveryPage: the header links every staff page the role may open (tokens
// only for admins), and each link opens.
func TestNavigationReachesEveryPage(t *testing.T) {
	db := seed(t)
	srv, err := dashboard.New(db, opts(dashboard.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	link := regexp.MustCompile(`<header>.*?</header>`)
	href := regexp.MustCompile(`href="(/app/[a-z/]*)"`)
	for _, c := range []struct {
		role feedback.Role
		want []string
	}{
		{feedback.RoleViewer, []string{"/app/feedback", "/app/clusters", "/app/requests", "/app/reviews", "/app/weights", "/app/accounts", "/app/sources", "/app/slack", "/app/audit"}},
		{feedback.RoleAdmin, []string{"/app/feedback", "/app/clusters", "/app/requests", "/app/reviews", "/app/weights", "/app/accounts", "/app/sources", "/app/slack", "/app/audit", "/app/tokens", "/app/users"}},
	} {
		sess := signIn(t, db, string(c.role)+"@koe.example", c.role)
		rec := do(h, http.MethodGet, "/app/requests", &sess, false)
		var got []string
		for _, m := range href.FindAllStringSubmatch(link.FindString(rec.Body.String()), -1) {
			got = append(got, m[1])
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s's navigation: %v, want %v", c.role, got, c.want)
		}
		for _, path := range got {
			if rec := do(h, http.MethodGet, path, &sess, false); rec.Code != http.StatusOK {
				t.Errorf("%s: %s answers %d", c.role, path, rec.Code)
			}
		}
	}
}
