package dashboard

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
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
	PublicRequestPage(ctx context.Context, q feedback.PublicQuery) ([]feedback.PublicRequest, *feedback.PublicCursor, error)
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

// publicAnswer is a finished answer, also gzipped when that makes it smaller, so that each
// answer is compressed once per build rather than once per reader.
type publicAnswer struct {
	body        []byte
	gz          []byte // nil when not worth it
	contentType string
	etag        string // of body; the gzipped body's is gzETag
	modified    time.Time
	built       time.Time
}

// gzETag is the gzipped answer's ETag: another representation, so another strong validator.
func (a *publicAnswer) gzETag() string { return strings.TrimSuffix(a.etag, `"`) + `-gz"` }

// maxAnswers bounds the cache: keys grow with searches and pages, each answer is a page or a
// feed (tens of kB gzipped, the whole CSV a few MB).
const maxAnswers = 2000

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
	gz := a.gz != nil && acceptsGzip(c.GetHeader("Accept-Encoding"))
	etag := a.etag
	if gz {
		etag = a.gzETag()
	}
	h.Set("ETag", etag)
	h.Set("Last-Modified", a.modified.UTC().Format(http.TimeFormat))
	h.Set("Cache-Control", "public, max-age=60")
	h.Set("Vary", "Accept-Language, Accept-Encoding")
	if match := c.GetHeader("If-None-Match"); match != "" {
		if etagMatches(match, a.etag, a.gzETag()) {
			c.Status(http.StatusNotModified)
			return
		}
	} else if since, err := http.ParseTime(c.GetHeader("If-Modified-Since")); err == nil && !a.modified.Truncate(time.Second).After(since) {
		c.Status(http.StatusNotModified)
		return
	}
	if gz {
		h.Set("Content-Encoding", "gzip")
		c.Data(http.StatusOK, a.contentType, a.gz)
		return
	}
	c.Data(http.StatusOK, a.contentType, a.body)
}

// etagMatches says whether an If-None-Match list names either representation of an answer
// (compared weakly, as RFC 9110 asks for If-None-Match).
func etagMatches(header string, etags ...string) bool {
	for _, m := range strings.Split(header, ",") {
		m = strings.TrimPrefix(strings.TrimSpace(m), "W/")
		if m == "*" || slices.Contains(etags, m) {
			return true
		}
	}
	return false
}

// acceptsGzip says whether an Accept-Encoding header accepts gzip (named, or *, and not q=0).
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "x-gzip" && coding != "*" {
			continue
		}
		params = strings.ReplaceAll(params, " ", "")
		return !strings.HasPrefix(params, "q=0") || strings.HasPrefix(params, "q=0.") && strings.Trim(params[4:], "0") != ""
	}
	return false
}

// gzipped is body compressed, or nil when body is too small for it to pay.
func gzipped(body []byte) []byte {
	if len(body) < 1024 {
		return nil
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(body); err != nil {
		return nil
	}
	if err := zw.Close(); err != nil {
		return nil
	}
	return buf.Bytes()
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
		a := &publicAnswer{body: body, gz: gzipped(body), contentType: ctype, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`,
			modified: modified, built: time.Now()}
		rm.mu.Lock()
		rm.evict()
		rm.entries[key] = a
		rm.mu.Unlock()
		return a, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*publicAnswer), nil
}

// evict makes room for one more answer when the cache is full: the stale ones go first, then,
// if that was not enough, about half of the rest (map order is random). rm.mu is held.
func (rm *roadmap) evict() {
	if len(rm.entries) < maxAnswers {
		return
	}
	for k, a := range rm.entries {
		if time.Since(a.built) >= rm.ttl {
			delete(rm.entries, k)
		}
	}
	for k := range rm.entries {
		if len(rm.entries) < maxAnswers/2 {
			break
		}
		delete(rm.entries, k)
	}
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
