package dashboard

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/sync/singleflight"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/internal/safecsv"
	"github.com/koehq/koe/locale"
)

// PublicStore is all the public roadmap may read: public requests and their status changes,
// from the database's public views. The roadmap's handlers hold this and nothing else, so they
// cannot read an account, a voice or an internal title.
type PublicStore interface {
	PublicRequests(ctx context.Context, lang string, withAskedBy bool) ([]feedback.PublicRequest, error)
	PublicRequest(ctx context.Context, id int64, lang string, withAskedBy bool) (feedback.PublicRequest, []feedback.PublicStatusChange, error)
	PublicChanges(ctx context.Context, lang string, limit int) ([]feedback.PublicStatusChange, error)
	PublicChangedAt(ctx context.Context) (time.Time, error)
}

// roadmap serves the public pages and feeds from a cache of finished answers: each is built at
// most once per CacheTTL, then served from memory with an ETag and Last-Modified, so a busy
// roadmap costs the database one query now and then.
type roadmap struct {
	store  PublicStore
	opts   Options
	render func(name, lang, title string, data any) ([]byte, error)
	fail   func(c *gin.Context, err error)
	ttl    time.Duration

	mu       sync.Mutex
	entries  map[string]*publicAnswer
	building singleflight.Group
}

type publicAnswer struct {
	body        []byte
	contentType string
	etag        string
	modified    time.Time
	built       time.Time
}

// publicOrder is the order of the roadmap's groups: what is being built first.
var publicOrder = []feedback.RequestStatus{feedback.InProgress, feedback.Planned, feedback.UnderReview, feedback.Shipped}

// publicStatus reads ?status=, which must be one of the public statuses.
func publicStatus(c *gin.Context) (feedback.RequestStatus, error) {
	st := feedback.RequestStatus(c.Query("status"))
	if st == "" {
		return "", nil
	}
	for _, s := range publicOrder {
		if s == st {
			return st, nil
		}
	}
	return "", feedback.Errorf(feedback.EINVALID, "status %q: use under_review, planned, in_progress or shipped.", st)
}

// serve answers from the cache under key, building the answer with build when it is missing or
// older than the TTL; a conditional request that matches gets 304.
func (rm *roadmap) serve(c *gin.Context, key string, build func(ctx context.Context, modified time.Time) (body []byte, contentType string, err error)) {
	a, err := rm.answer(c.Request.Context(), key, build)
	if err != nil {
		rm.fail(c, err)
		return
	}
	h := c.Writer.Header()
	h.Set("ETag", a.etag)
	h.Set("Last-Modified", a.modified.UTC().Format(http.TimeFormat))
	h.Set("Cache-Control", "public, max-age=60")
	h.Set("Vary", "Accept-Language")
	if match := c.GetHeader("If-None-Match"); match != "" {
		if match == a.etag || match == "*" {
			c.Status(http.StatusNotModified)
			return
		}
	} else if since, err := http.ParseTime(c.GetHeader("If-Modified-Since")); err == nil && !a.modified.Truncate(time.Second).After(since) {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, a.contentType, a.body)
}

func (rm *roadmap) answer(ctx context.Context, key string, build func(ctx context.Context, modified time.Time) ([]byte, string, error)) (*publicAnswer, error) {
	rm.mu.Lock()
	a, ok := rm.entries[key]
	rm.mu.Unlock()
	if ok && time.Since(a.built) < rm.ttl {
		return a, nil
	}
	// One build per key at a time: a burst after expiry builds once and the rest share it; other
	// keys are served from the cache meanwhile.
	v, err, _ := rm.building.Do(key, func() (any, error) {
		ctx := context.WithoutCancel(ctx) // the answer is shared: one client leaving must not fail the others
		modified, err := rm.store.PublicChangedAt(ctx)
		if err != nil {
			return nil, err
		}
		body, ctype, err := build(ctx, modified)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(body)
		a := &publicAnswer{body: body, contentType: ctype, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`,
			modified: modified, built: time.Now()}
		rm.mu.Lock()
		if len(rm.entries) > 1000 { // keys are bounded (language × status × request id), but be safe
			clear(rm.entries)
		}
		rm.entries[key] = a
		rm.mu.Unlock()
		return a, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*publicAnswer), nil
}

// forget drops every cached answer (after a change made through this process).
func (rm *roadmap) forget() {
	rm.mu.Lock()
	clear(rm.entries)
	rm.mu.Unlock()
}

func filterStatus(reqs []feedback.PublicRequest, st feedback.RequestStatus) []feedback.PublicRequest {
	if st == "" {
		return reqs
	}
	var out []feedback.PublicRequest
	for _, r := range reqs {
		if r.Status == st {
			out = append(out, r)
		}
	}
	return out
}

type statusGroup struct {
	Status   feedback.RequestStatus
	Requests []feedback.PublicRequest
}

type roadmapView struct {
	Groups   []statusGroup
	Statuses []feedback.RequestStatus
	Filter   feedback.RequestStatus
	AskedBy  bool
}

// page lists the public requests grouped by status, in build order; ?status= shows one group.
func (rm *roadmap) page(c *gin.Context) {
	st, err := publicStatus(c)
	if err != nil {
		rm.fail(c, err)
		return
	}
	l := lang(c)
	rm.serve(c, "html:"+l+":"+string(st), func(ctx context.Context, _ time.Time) ([]byte, string, error) {
		reqs, err := rm.store.PublicRequests(ctx, l, rm.opts.RoadmapAskedBy)
		if err != nil {
			return nil, "", err
		}
		reqs = filterStatus(reqs, st)
		v := roadmapView{Statuses: publicOrder, Filter: st, AskedBy: rm.opts.RoadmapAskedBy}
		for _, s := range publicOrder {
			if g := filterStatus(reqs, s); len(g) > 0 {
				v.Groups = append(v.Groups, statusGroup{Status: s, Requests: g})
			}
		}
		body, err := rm.render("roadmap", l, locale.T(l, "common.roadmap"), v)
		return body, "text/html; charset=utf-8", err
	})
}

type roadmapItemView struct {
	Request feedback.PublicRequest
	History []feedback.PublicStatusChange
	AskedBy bool
}

// item is one public request with its status history.
func (rm *roadmap) item(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		rm.fail(c, userError(feedback.ENOTFOUND, words(c).T("error.no_public_request", "ID", c.Param("id"))))
		return
	}
	l := lang(c)
	rm.serve(c, "item:"+l+":"+strconv.FormatInt(id, 10), func(ctx context.Context, _ time.Time) ([]byte, string, error) {
		r, history, err := rm.store.PublicRequest(ctx, id, l, rm.opts.RoadmapAskedBy)
		if err != nil {
			return nil, "", err
		}
		body, err := rm.render("roadmap_item", l, r.Title, roadmapItemView{Request: r, History: history, AskedBy: rm.opts.RoadmapAskedBy})
		return body, "text/html; charset=utf-8", err
	})
}

// json is the public list for programs.
func (rm *roadmap) json(c *gin.Context) {
	st, err := publicStatus(c)
	if err != nil {
		rm.fail(c, err)
		return
	}
	l := lang(c)
	rm.serve(c, "json:"+l+":"+string(st), func(ctx context.Context, modified time.Time) ([]byte, string, error) {
		reqs, err := rm.store.PublicRequests(ctx, l, rm.opts.RoadmapAskedBy)
		if err != nil {
			return nil, "", err
		}
		reqs = filterStatus(reqs, st)
		if reqs == nil {
			reqs = []feedback.PublicRequest{}
		}
		body, err := json.Marshal(struct {
			Company   string                   `json:"company"`
			UpdatedAt time.Time                `json:"updated_at"`
			Requests  []feedback.PublicRequest `json:"requests"`
		}{rm.opts.CompanyName, modified.UTC(), reqs})
		return body, "application/json; charset=utf-8", err
	})
}

// csv is the public list for a spreadsheet: UTF-8 with a BOM, which Excel in Japan needs to
// read it as UTF-8.
func (rm *roadmap) csv(c *gin.Context) {
	st, err := publicStatus(c)
	if err != nil {
		rm.fail(c, err)
		return
	}
	l := lang(c)
	c.Header("Content-Disposition", `attachment; filename="roadmap.csv"`)
	rm.serve(c, "csv:"+l+":"+string(st), func(ctx context.Context, _ time.Time) ([]byte, string, error) {
		reqs, err := rm.store.PublicRequests(ctx, l, rm.opts.RoadmapAskedBy)
		if err != nil {
			return nil, "", err
		}
		var buf bytes.Buffer
		buf.WriteString("\ufeff")
		if err := WriteRoadmapCSV(&buf, filterStatus(reqs, st), l, rm.opts.BaseURL, rm.opts.RoadmapAskedBy); err != nil {
			return nil, "", err
		}
		return buf.Bytes(), "text/csv; charset=utf-8", nil
	})
}

// WriteRoadmapCSV writes public requests as CSV rows under a header (without a BOM): the same
// columns for the /roadmap.csv feed and `koe export roadmap`.
func WriteRoadmapCSV(w interface{ Write([]byte) (int, error) }, reqs []feedback.PublicRequest, lang, baseURL string, askedBy bool) error {
	cw := safecsv.NewWriter(w)
	if err := cw.Write(feedback.RoadmapColumns(askedBy)); err != nil {
		return err
	}
	for _, row := range feedback.RoadmapRows(reqs, func(s feedback.RequestStatus) string { return locale.Label(lang, "status", string(s)) }, baseURL, askedBy) {
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// atom is the status changes of public requests as an Atom feed (RFC 4287), newest first.
func (rm *roadmap) atom(c *gin.Context) {
	l := lang(c)
	rm.serve(c, "atom:"+l, func(ctx context.Context, modified time.Time) ([]byte, string, error) {
		changes, err := rm.store.PublicChanges(ctx, l, 50)
		if err != nil {
			return nil, "", err
		}
		base := rm.opts.BaseURL
		feed := atomFeed{NS: "http://www.w3.org/2005/Atom", Lang: l, ID: base + "/roadmap", Title: rm.opts.CompanyName + " — " + locale.T(l, "roadmap.feed_title"),
			Updated: modified.UTC().Format(time.RFC3339),
			Links:   []atomLink{{Rel: "self", Href: base + "/roadmap.atom"}, {Rel: "alternate", Href: base + "/roadmap", Type: "text/html"}},
			Author:  &atomPerson{Name: rm.opts.CompanyName}}
		for _, ch := range changes {
			e := atomEntry{
				ID:      fmt.Sprintf("%s/roadmap/%d#%s-%d", base, ch.RequestID, ch.Status, ch.At.Unix()),
				Title:   fmt.Sprintf("%s: %s", locale.Label(l, "status", string(ch.Status)), ch.Title),
				Updated: ch.At.UTC().Format(time.RFC3339),
				Links:   []atomLink{{Rel: "alternate", Href: fmt.Sprintf("%s/roadmap/%d", base, ch.RequestID), Type: "text/html"}},
			}
			if ch.Note != "" {
				e.Summary = &atomText{Type: "text", Body: ch.Note}
			}
			feed.Entries = append(feed.Entries, e)
		}
		body, err := xml.MarshalIndent(feed, "", "  ")
		if err != nil {
			return nil, "", err
		}
		return append([]byte(xml.Header), body...), "application/atom+xml; charset=utf-8", nil
	})
}

type atomFeed struct {
	XMLName xml.Name    `xml:"feed"`
	NS      string      `xml:"xmlns,attr"`
	Lang    string      `xml:"xml:lang,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  *atomPerson `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Href string `xml:"href,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID      string     `xml:"id"`
	Title   string     `xml:"title"`
	Updated string     `xml:"updated"`
	Links   []atomLink `xml:"link"`
	Summary *atomText  `xml:"summary"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}
