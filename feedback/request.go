package feedback

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// RequestStatus is where a request stands on the roadmap.
type RequestStatus string

const (
	UnderReview RequestStatus = "under_review"
	Planned     RequestStatus = "planned"
	InProgress  RequestStatus = "in_progress"
	Shipped     RequestStatus = "shipped"
	Declined    RequestStatus = "declined"
)

// RequestStatuses lists every status in roadmap order.
var RequestStatuses = []RequestStatus{UnderReview, Planned, InProgress, Shipped, Declined}

// OpenStatuses are the statuses of requests still to decide or build: what a backlog shows
// unless asked for others (shipped, declined; merged requests are never ranked: a merge moves
// their voices).
var OpenStatuses = []RequestStatus{UnderReview, Planned, InProgress}

// ParseStatuses reads a choice of statuses: "" for the open ones (nil), "all" for every one, or
// a comma-separated list ("shipped,declined"). name is what the value goes by in messages.
func ParseStatuses(s, name string) ([]RequestStatus, error) {
	switch s = strings.TrimSpace(s); s {
	case "":
		return nil, nil
	case "all":
		return RequestStatuses, nil
	case "open":
		return OpenStatuses, nil
	}
	var out []RequestStatus
	for _, v := range strings.Split(s, ",") {
		st := RequestStatus(strings.TrimSpace(v))
		if !st.Valid() {
			return nil, Errorf(EINVALID, "%s %q: use all, open, or some of under_review, planned, in_progress, shipped, declined, comma-separated.", name, v)
		}
		if !slices.Contains(out, st) {
			out = append(out, st)
		}
	}
	return out, nil
}

// Valid reports whether s is a known status.
func (s RequestStatus) Valid() bool {
	for _, v := range RequestStatuses {
		if s == v {
			return true
		}
	}
	return false
}

// Request is something customers asked for; voices are linked to it.
type Request struct {
	ID int64 `json:"id"`
	// Title and Description are internal; PublicTitle and PublicDescription are written for
	// customers and are the only words a public page may show.
	Title             string `json:"title"`
	Description       string `json:"description"`
	PublicTitle       string `json:"public_title"`
	PublicDescription string `json:"public_description"`
	// PublicNote is what customers are told about the latest status change.
	PublicNote      string        `json:"public_note"`
	Status          RequestStatus `json:"status"`
	Public          bool          `json:"public"`
	MergedInto      *int64        `json:"merged_into,omitempty"`
	StatusChangedAt time.Time     `json:"status_changed_at"`
	CreatedAt       time.Time     `json:"created_at"`
	UpdatedAt       time.Time     `json:"updated_at"`
}

// PublicRequest is what the world may see of a request: built by its own query, so that no
// internal field can reach a public page by accident.
type PublicRequest struct {
	ID              int64         `json:"id"`
	Title           string        `json:"title"`
	Description     string        `json:"description"`
	Note            string        `json:"note,omitempty"`
	Status          RequestStatus `json:"status"`
	StatusChangedAt time.Time     `json:"status_changed_at"`
	// AskedBy is how many companies asked for it, when the roadmap is set to say so (never which).
	AskedBy int `json:"asked_by_companies,omitempty"`
}

// RoadmapRows are public requests as table rows — id, title, description, status, status label
// (statusLabel's words for the status: the caller's catalog), last change (RFC 3339), public note,
// page URL, and, with askedBy, how many companies asked: the columns of /roadmap.csv,
// `koe export roadmap` and the public roadmap sheet.
func RoadmapRows(reqs []PublicRequest, statusLabel func(RequestStatus) string, baseURL string, askedBy bool) [][]string {
	out := make([][]string, 0, len(reqs))
	for _, r := range reqs {
		row := []string{strconv.FormatInt(r.ID, 10), r.Title, r.Description, string(r.Status), statusLabel(r.Status),
			r.StatusChangedAt.UTC().Format(time.RFC3339), r.Note, baseURL + "/roadmap/" + strconv.FormatInt(r.ID, 10)}
		if askedBy {
			row = append(row, strconv.Itoa(r.AskedBy))
		}
		out = append(out, row)
	}
	return out
}

// RoadmapColumns names RoadmapRows' columns for programs (CSV); for people, the catalog names
// each column (roadmap_column.<name>).
func RoadmapColumns(askedBy bool) []string {
	c := []string{"id", "title", "description", "status", "status_label", "last_change", "note", "url"}
	if askedBy {
		c = append(c, "asked_by_companies")
	}
	return c
}

// PublicStatusChange is one status a public request has had, with its public note.
type PublicStatusChange struct {
	RequestID int64         `json:"request_id"`
	Title     string        `json:"title"`
	Status    RequestStatus `json:"status"`
	Note      string        `json:"note,omitempty"`
	At        time.Time     `json:"at"`
}

// BacklogFilter narrows the voices that count toward a ranking. Zero fields do not filter.
type BacklogFilter struct {
	From, To   *time.Time // received in [From, To)
	Tag        Tag
	Plan       string
	Lifecycle  Lifecycle
	MRRBand    string // one of MRRBands
	Employees  string // one of EmployeeBands
	SourceKind SourceKind
	Language   string
}

// MRRBands are the segments of monthly revenue, in major units of the base currency: [lo, hi).
var MRRBands = map[string][2]int64{
	"<50k": {0, 50_000}, "50k-200k": {50_000, 200_000}, "200k-500k": {200_000, 500_000},
	"500k-1M": {500_000, 1_000_000}, "1M+": {1_000_000, 1 << 62},
}

// bandCase returns the MRR band named v whatever its case ("1m+" is "1M+"), or v as given.
func bandCase(v string) string {
	v = strings.TrimSpace(v)
	for b := range MRRBands {
		if strings.EqualFold(b, v) {
			return b
		}
	}
	return v
}

// EmployeeBands are the segments of company size: [lo, hi). The top band ends at the largest
// value of accounts.employees (an integer column), so that its bound is a valid parameter: 1<<31
// made PostgreSQL refuse the whole query.
var EmployeeBands = map[string][2]int64{
	"1-49": {1, 50}, "50-249": {50, 250}, "250-999": {250, 1000}, "1000+": {1000, math.MaxInt32},
}

// VoiceLink stands for the voices of one account on one request with one tag: the newest of
// them, and the account's MRR when that one arrived. Ranking works from these.
type VoiceLink struct {
	RequestID int64
	AccountID int64
	Tag       Tag
	LastAt    time.Time
	// MRRAtReceipt is valid when HasMRR (a value, not a pointer: there are a million of these).
	MRRAtReceipt int64
	HasMRR       bool
}

// ParseBacklogFilter reads a filter from named values (command-line flags, a page's query):
// from, to (dates), tag, plan, lifecycle, mrr_band, employees, source, language. name gives the
// name a value goes by in messages ("--tag", "tag").
func ParseBacklogFilter(get func(key string) string, name func(key string) string) (BacklogFilter, error) {
	var out BacklogFilter
	for _, d := range []struct {
		key string
		dst **time.Time
	}{{"from", &out.From}, {"to", &out.To}} {
		v := get(d.key)
		if v == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", v, time.Local)
		if err != nil {
			return out, Errorf(EINVALID, "%s %q: write the date like 2026-01-01.", name(d.key), v)
		}
		*d.dst = &t
	}
	// Codes match whatever their case, as people type them ("Customer", "JA"); the plan is
	// matched without case by the store.
	low := func(k string) string { return strings.ToLower(strings.TrimSpace(get(k))) }
	out.Tag, out.Plan, out.Lifecycle = Tag(low("tag")), strings.TrimSpace(get("plan")), Lifecycle(low("lifecycle"))
	out.MRRBand, out.Employees, out.SourceKind, out.Language = bandCase(get("mrr_band")), get("employees"), SourceKind(low("source")), low("language")
	switch {
	case !out.Tag.Valid():
		return out, Errorf(EINVALID, "%s %q: use churn_risk, expansion, usability or internal_efficiency.", name("tag"), out.Tag)
	case out.Lifecycle != "" && !out.Lifecycle.Valid():
		return out, Errorf(EINVALID, "%s %q: use prospect, customer or churned.", name("lifecycle"), out.Lifecycle)
	case out.SourceKind != "" && !out.SourceKind.Valid():
		return out, Errorf(EINVALID, "%s %q: use chat, review, email, slack, manual or sheet.", name("source"), out.SourceKind)
	case out.MRRBand != "" && MRRBands[out.MRRBand] == [2]int64{}:
		return out, Errorf(EINVALID, "%s %q: use <50k, 50k-200k, 200k-500k, 500k-1M or 1M+.", name("mrr_band"), out.MRRBand)
	}
	return out, nil
}

// PublicSort is an order of the public roadmap's pages.
type PublicSort string

const (
	// PublicNewest puts the latest status change first.
	PublicNewest PublicSort = "newest"
	// PublicAsked puts the request most companies asked for first.
	PublicAsked PublicSort = "asked"
)

// PublicQuery asks for one page of the public roadmap: the requests with Status (all public
// statuses when empty) whose public title or description contains Search (any case), in Sort
// order, Limit of them, after the request After names (the first page when nil).
type PublicQuery struct {
	Lang    string
	AskedBy bool
	Status  RequestStatus
	Search  string
	Sort    PublicSort
	Limit   int
	After   *PublicCursor
}

// PublicCursor is where a page of the public roadmap ends: the last request's sort key and id.
// At is used by PublicNewest, Asked by PublicAsked.
type PublicCursor struct {
	At    time.Time
	Asked int
	ID    int64
}
