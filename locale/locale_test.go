package locale

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/scoring"
)

// TestEveryLanguageHasEveryMessage: an id in one language and not another fails, and so does a
// plural message whose forms differ in shape from a plain one elsewhere.
func TestEveryLanguageHasEveryMessage(t *testing.T) {
	langs := Languages()
	if len(langs) < 2 || langs[0] != Default {
		t.Fatalf("languages %v, want %s first and at least one more", langs, Default)
	}
	for _, l := range langs[1:] {
		for id := range catalog.ids[Default] {
			if !catalog.ids[l][id] {
				t.Errorf("%s.json lacks %q (in %s.json)", l, id, Default)
			}
		}
		for id := range catalog.ids[l] {
			if !catalog.ids[Default][id] {
				t.Errorf("%s.json lacks %q (in %s.json)", Default, id, l)
			}
		}
	}
	// Every message renders in every language with an empty argument set and with Count.
	for _, l := range langs {
		for id := range catalog.ids[l] {
			if s := T(l, id, "Count", 2); s == "" || s == id {
				t.Errorf("%s %q renders as %q", l, id, s)
			}
		}
	}
}

// TestFilesAreSortedJSON keeps the files easy to merge and review: one flat object, ids sorted.
func TestFilesAreSortedJSON(t *testing.T) {
	names, _ := fs.Glob(files, "translations/*.json")
	for _, name := range names {
		buf, _ := fs.ReadFile(files, name)
		dec := json.NewDecoder(strings.NewReader(string(buf)))
		if _, err := dec.Token(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var ids []string
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			ids = append(ids, tok.(string))
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		if !slices.IsSorted(ids) {
			for i := 1; i < len(ids); i++ {
				if ids[i-1] >= ids[i] {
					t.Errorf("%s: %q comes before %q: keep the ids sorted (and unique)", name, ids[i-1], ids[i])
				}
			}
		}
	}
}

// TestEveryCodeHasALabel: every code a person may read has its label in the catalog.
func TestEveryCodeHasALabel(t *testing.T) {
	check := func(kind string, codes ...string) {
		for _, c := range codes {
			if !Has(kind + "." + c) {
				t.Errorf("no label %s.%s", kind, c)
			}
		}
	}
	for _, v := range feedback.Tags {
		check("tag", string(v))
	}
	for _, v := range feedback.RequestStatuses {
		check("status", string(v))
	}
	for _, v := range feedback.SourceKinds {
		check("source", string(v))
	}
	for _, v := range feedback.Statuses {
		check("voice_status", string(v))
	}
	for _, v := range []feedback.Lifecycle{feedback.Prospect, feedback.Customer, feedback.Churned} {
		check("lifecycle", string(v))
	}
	for _, v := range []feedback.Role{feedback.RoleAdmin, feedback.RoleCS, feedback.RolePO, feedback.RoleViewer} {
		check("role", string(v))
	}
	check("reason", scoring.Churn, scoring.Expansion, scoring.Pipeline, scoring.Other)
	check("match", feedback.MatchManual, feedback.MatchRule, feedback.MatchContact, feedback.MatchDomain, feedback.MatchCompany)
}

// Message ids asked for in code and templates: {{t "id" …}} in templates, T("id"…) / locale.T(lang, "id"…)
// and Label-free literal ids in Go.
var (
	templateCall = regexp.MustCompile(`\bt "([^"]+)"`)
	goCall       = regexp.MustCompile(`(?:\.T|locale\.T)\((?:[^,()"]+, )?"([^"]+)"`)
)

// TestEveryAskedIDExists reads the whole module's templates and Go files for the ids they ask for.
func TestEveryAskedIDExists(t *testing.T) {
	root := ".."
	seen := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules", "artifacts", "koe-data", "testdata":
				return filepath.SkipDir
			}
			return nil
		}
		var re *regexp.Regexp
		switch {
		case strings.HasSuffix(p, ".html") || strings.HasSuffix(p, ".tmpl"):
			re = templateCall
		case strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go"):
			re = goCall
		default:
			return nil
		}
		buf, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllStringSubmatch(string(buf), -1) {
			seen++
			if !Has(m[1]) {
				t.Errorf("%s asks for %q, which the catalog lacks", p, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d message ids asked for", seen)
}

func TestTAndLabel(t *testing.T) {
	if got, want := Label("ja", "tag", "churn_risk"), "解約リスク"; got != want {
		t.Errorf("ja tag label %q, want %q", got, want)
	}
	if got, want := For("en").Label("status", "shipped"), "Shipped"; got != want {
		t.Errorf("en status label %q, want %q", got, want)
	}
	if got, want := For("xx").Lang(), Default; got != want {
		t.Errorf("unknown language prints in %q, want %q", got, want)
	}
	if got := Label("en", "tag", ""); got != "" {
		t.Errorf("no tag reads %q", got)
	}
	if got, want := Label("en", "tag", "made_up"), "made_up"; got != want {
		t.Errorf("unknown code %q, want %q", got, want)
	}
	for accept, want := range map[string]string{"en-US,en;q=0.9": "en", "ja-JP": "ja", "fr-FR": "", "": "", "de, en;q=0.5": "en"} {
		if got := Match(accept); got != want {
			t.Errorf("Match(%q)=%q, want %q", accept, got, want)
		}
	}
}

func TestFromEnv(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, "en"},
		{map[string]string{"LANG": "ja_JP.UTF-8"}, "ja"},
		{map[string]string{"LANG": "C.UTF-8"}, "en"},
		{map[string]string{"LANG": "ja_JP.UTF-8", "LC_ALL": "C"}, "en"},
		{map[string]string{"LANG": "en_US.UTF-8", "LC_MESSAGES": "ja_JP.eucJP"}, "ja"},
		{map[string]string{"LANG": "fr_FR.UTF-8"}, "en"},
	} {
		if got := FromEnv(func(k string) string { return c.env[k] }); got != c.want {
			t.Errorf("FromEnv(%v)=%q, want %q", c.env, got, c.want)
		}
	}
}

// BenchmarkMatch: every page asks for the reader's language from Accept-Language.
func BenchmarkMatch(b *testing.B) {
	for b.Loop() {
		_ = Match("en-US,en;q=0.9,ja;q=0.8")
	}
}
