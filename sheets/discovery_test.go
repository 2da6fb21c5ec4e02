package sheets_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"google.golang.org/api/option"

	"github.com/koehq/koe/internal/sheetstest"
	"github.com/koehq/koe/sheets"
)

// discovery is Google's published description of the Sheets API v4: the discovery document
// google.golang.org/api ships as sheets/v4/sheets-api.json, the one the client Koe links was
// generated from. Its schemas say which fields each answer has and what JSON type each one is.
type discovery struct {
	Revision  string               `json:"revision"`
	Schemas   map[string]*schema   `json:"schemas"`
	Resources map[string]*resource `json:"resources"`
}

type resource struct {
	Methods   map[string]method    `json:"methods"`
	Resources map[string]*resource `json:"resources"`
}

type method struct {
	ID       string  `json:"id"`
	Response *schema `json:"response"`
}

type schema struct {
	Ref                  string             `json:"$ref"`
	Type                 string             `json:"type"`
	Format               string             `json:"format"`
	Enum                 []string           `json:"enum"`
	Properties           map[string]*schema `json:"properties"`
	Items                *schema            `json:"items"`
	AdditionalProperties *schema            `json:"additionalProperties"`
}

// loadDiscovery reads the discovery document of the google.golang.org/api version in go.mod.
func loadDiscovery(t *testing.T) *discovery {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "google.golang.org/api").Output()
	if err != nil {
		t.Skipf("cannot find google.golang.org/api in the module cache: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "sheets", "v4", "sheets-api.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d discovery
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return &d
}

// response is the schema of a method's answer, by its id ("sheets.spreadsheets.values.get").
func (d *discovery) response(id string) *schema {
	var walk func(map[string]*resource) *schema
	walk = func(rs map[string]*resource) *schema {
		for _, r := range rs {
			for _, m := range r.Methods {
				if m.ID == id {
					return m.Response
				}
			}
			if s := walk(r.Resources); s != nil {
				return s
			}
		}
		return nil
	}
	return walk(d.Resources)
}

// check reports every place where v, decoded JSON, does not fit s: a field the schema does not
// have, a value of the wrong JSON type, a string outside an enum. int64 fields are JSON strings,
// as Google's JSON mapping says.
func (d *discovery) check(path string, v any, s *schema) []string {
	if s.Ref != "" {
		return d.check(path, v, d.Schemas[s.Ref])
	}
	wrong := func() []string {
		return []string{fmt.Sprintf("%s: %T %v is not %s %s (enum %v)", path, v, v, s.Type, s.Format, s.Enum)}
	}
	switch s.Type {
	case "any":
		return nil
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			return wrong()
		}
		var bad []string
		for k, fv := range m {
			fs := s.Properties[k]
			if fs == nil {
				fs = s.AdditionalProperties
			}
			if fs == nil {
				bad = append(bad, fmt.Sprintf("%s.%s: no such field in the schema", path, k))
				continue
			}
			bad = append(bad, d.check(path+"."+k, fv, fs)...)
		}
		return bad
	case "array":
		a, ok := v.([]any)
		if !ok {
			return wrong()
		}
		var bad []string
		for i, iv := range a {
			bad = append(bad, d.check(fmt.Sprintf("%s[%d]", path, i), iv, s.Items)...)
		}
		return bad
	case "string":
		str, ok := v.(string)
		if !ok || (len(s.Enum) > 0 && !slices.Contains(s.Enum, str)) {
			return wrong()
		}
	case "integer":
		if s.Format == "int64" || s.Format == "uint64" {
			if _, ok := v.(string); !ok {
				return wrong()
			}
			return nil
		}
		if n, ok := v.(float64); !ok || n != math.Trunc(n) {
			return wrong()
		}
	case "number":
		if _, ok := v.(float64); !ok {
			return wrong()
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return wrong()
		}
	default:
		return []string{fmt.Sprintf("%s: schema type %q unknown to this check", path, s.Type)}
	}
	return nil
}

// lookup returns the value at a dotted path ("replies.0.addSheet.properties.sheetId"), and whether it is there.
func lookup(v any, path string) (any, bool) {
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[k]; !ok {
				return nil, false
			}
		case []any:
			var i int
			if _, err := fmt.Sscan(k, &i); err != nil || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// recorder keeps every answer the fake sends, by the discovery id of the method called.
type recorder struct {
	mu      sync.Mutex
	answers map[string][][]byte
}

var methodOf = []struct {
	method string
	path   *regexp.Regexp
	id     string
}{
	{"GET", regexp.MustCompile(`^/v4/spreadsheets/[^/:]+$`), "sheets.spreadsheets.get"},
	{"POST", regexp.MustCompile(`^/v4/spreadsheets/[^/]+:batchUpdate$`), "sheets.spreadsheets.batchUpdate"},
	{"GET", regexp.MustCompile(`/values:batchGet$`), "sheets.spreadsheets.values.batchGet"},
	{"POST", regexp.MustCompile(`/values:batchUpdate$`), "sheets.spreadsheets.values.batchUpdate"},
	{"POST", regexp.MustCompile(`/values/[^/]+:append$`), "sheets.spreadsheets.values.append"},
	{"POST", regexp.MustCompile(`/values/[^/]+:clear$`), "sheets.spreadsheets.values.clear"},
	{"GET", regexp.MustCompile(`/values/[^/:]+$`), "sheets.spreadsheets.values.get"},
	{"PUT", regexp.MustCompile(`/values/[^/:]+$`), "sheets.spreadsheets.values.update"},
}

func (rec *recorder) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	id := "unknown " + r.Method + " " + r.URL.EscapedPath()
	for _, m := range methodOf {
		if m.method == r.Method && m.path.MatchString(r.URL.EscapedPath()) {
			id = m.id
			break
		}
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.answers[id] = append(rec.answers[id], body)
	return resp, nil
}

// koeReads are the fields of each answer Koe's code reads: each must be in the schema and, where
// the fake's answer has rows or sheets at all, present.
var koeReads = map[string][]string{
	"sheets.spreadsheets.get":                {"sheets.0.properties.sheetId", "sheets.0.properties.title", "sheets.0.properties.gridProperties.rowCount", "sheets.0.properties.gridProperties.columnCount"},
	"sheets.spreadsheets.batchUpdate":        {"spreadsheetId", "replies"},
	"sheets.spreadsheets.values.get":         {"range", "majorDimension"},
	"sheets.spreadsheets.values.batchGet":    {"spreadsheetId", "valueRanges.0.range", "valueRanges.0.values"},
	"sheets.spreadsheets.values.batchUpdate": {"spreadsheetId"},
	"sheets.spreadsheets.values.append":      {"spreadsheetId", "updates.updatedRange"},
	"sheets.spreadsheets.values.clear":       {"spreadsheetId", "clearedRange"},
	"sheets.spreadsheets.values.update":      {"spreadsheetId", "updatedRange"},
}

// TestFakeFollowsDiscovery runs Koe's roadmap and feedback-sheet code against sheetstest and
// checks every answer the fake gives against the schema Google publishes for the method, so the
// fake cannot drift from the real API's shape while Koe's tests keep passing against it.
func TestFakeFollowsDiscovery(t *testing.T) {
	d := loadDiscovery(t)
	ctx := context.Background()
	srv := sheetstest.Start(t)
	srv.AddSpreadsheet("ss", "Sheet1")
	rec := &recorder{answers: map[string][][]byte{}}
	c, err := sheets.New(ctx, option.WithEndpoint(srv.URL()), option.WithHTTPClient(&http.Client{Transport: rec}))
	if err != nil {
		t.Fatal(err)
	}

	// The roadmap: a tab made, rows written, then fewer rows (a clear), then the header checked.
	for _, n := range []int{3, 1} {
		if _, err := c.PushRoadmap(ctx, "ss", "My Roadmap", public(n), "en", "https://koe.example", false); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.CheckRoadmap(ctx, "ss", "My Roadmap", "en", false); err != nil {
		t.Fatal(err)
	}
	// The feedback sheet: a push makes the tab and appends; an edit is pulled; a push updates in place.
	f := &sheets.Feedback{Client: c, Store: voices(t), SpreadsheetID: "ss", Tab: "Customer Feedback", Lang: "en", BaseURL: "https://koe.example"}
	if _, err := f.Push(ctx, false); err != nil {
		t.Fatal(err)
	}
	srv.SetCell("ss", "Customer Feedback", 1, 8, "an insight typed in the sheet")
	if _, err := f.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Push(ctx, false); err != nil {
		t.Fatal(err)
	}

	for id, reads := range koeReads {
		t.Run(id, func(t *testing.T) {
			s := d.response(id)
			if s == nil {
				t.Fatalf("discovery revision %s has no method %s", d.Revision, id)
			}
			answers := rec.answers[id]
			if len(answers) == 0 {
				t.Fatalf("Koe's code never called %s: the test no longer covers it", id)
			}
			for _, body := range answers {
				var v any
				if err := json.Unmarshal(body, &v); err != nil {
					t.Fatalf("answer is not JSON: %v\n%s", err, body)
				}
				if bad := d.check(id, v, s); len(bad) > 0 {
					t.Errorf("answer does not fit the published schema %s:\n%s\n%s", s.Ref, strings.Join(bad, "\n"), body)
				}
			}
			for _, p := range reads {
				found := false
				for _, body := range answers {
					var v any
					json.Unmarshal(body, &v)
					_, ok := lookup(v, p)
					found = found || ok
				}
				if !found {
					t.Errorf("no answer has %s, which Koe reads", p)
				}
			}
		})
	}
	for id := range rec.answers {
		if _, ok := koeReads[id]; !ok {
			t.Errorf("Koe called %s, which this test does not check against the schema", id)
		}
	}
}
