package dashboard

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/locale"
)

// publicPageSize is how many requests a page of /roadmap and /roadmap.json holds.
const publicPageSize = 30

// maxSearch bounds ?q= (in characters): a search is a few words, and each distinct one is a
// cache entry.
const maxSearch = 100

// publicQuery reads a page of the roadmap from the request: ?status=, ?q=, ?sort= and ?cursor=.
// Sorting by how many companies asked is offered only when the roadmap shows those counts.
func (rm *roadmap) publicQuery(c *gin.Context) (feedback.PublicQuery, error) {
	st, err := publicStatus(c)
	if err != nil {
		return feedback.PublicQuery{}, err
	}
	q := feedback.PublicQuery{Lang: lang(c), AskedBy: rm.opts.RoadmapAskedBy, Status: st, Limit: publicPageSize, Sort: feedback.PublicNewest,
		Search: strings.TrimSpace(c.Query("q"))}
	if utf8.RuneCountInString(q.Search) > maxSearch {
		q.Search = string([]rune(q.Search)[:maxSearch])
	}
	if c.Query("sort") == string(feedback.PublicAsked) && q.AskedBy {
		q.Sort = feedback.PublicAsked
	}
	if raw := c.Query("cursor"); raw != "" {
		after, ok := decodeCursor(raw, q.Sort)
		if !ok {
			return feedback.PublicQuery{}, userError(feedback.EINVALID, words(c).T("roadmap.bad_cursor"))
		}
		q.After = after
	}
	return q, nil
}

// pageKey names the answer of kind (html, json) to q in the cache.
func pageKey(kind string, q feedback.PublicQuery) string {
	return strings.Join([]string{kind, q.Lang, string(q.Status), string(q.Sort), encodeCursor(q.Sort, q.After), q.Search}, "\x00")
}

// pageURL is the roadmap's address for q (its language, filter, search and sort) at cursor.
func pageURL(q feedback.PublicQuery, status feedback.RequestStatus, sort feedback.PublicSort, cursor string) string {
	v := url.Values{"lang": {q.Lang}}
	if status != "" {
		v.Set("status", string(status))
	}
	if q.Search != "" {
		v.Set("q", q.Search)
	}
	if sort != feedback.PublicNewest {
		v.Set("sort", string(sort))
	}
	if cursor != "" {
		v.Set("cursor", cursor)
	}
	return "/roadmap?" + v.Encode()
}

type roadmapLink struct {
	Status  feedback.RequestStatus
	Sort    feedback.PublicSort
	URL     string
	Current bool
}

type roadmapView struct {
	Requests  []feedback.PublicRequest
	Tabs      []roadmapLink // all, then each public status
	Sorts     []roadmapLink // newest, and asked when the counts are shown
	Query     feedback.PublicQuery
	FirstURL  string // set past the first page
	NextURL   string
	AskedBy   bool
	Searching bool
}

// page is one page of the public requests: a status tab, a search, a sort, and a link to the
// next page.
func (rm *roadmap) page(c *gin.Context) {
	q, err := rm.publicQuery(c)
	if err != nil {
		rm.fail(c, err)
		return
	}
	rm.serve(c, pageKey("html", q), func(ctx context.Context, _ time.Time) ([]byte, string, error) {
		reqs, next, err := rm.store.PublicRequestPage(ctx, q)
		if err != nil {
			return nil, "", err
		}
		v := roadmapView{Requests: reqs, Query: q, AskedBy: q.AskedBy, Searching: q.Search != ""}
		v.Tabs = append(v.Tabs, roadmapLink{URL: pageURL(q, "", q.Sort, ""), Current: q.Status == ""})
		for _, s := range publicOrder {
			v.Tabs = append(v.Tabs, roadmapLink{Status: s, URL: pageURL(q, s, q.Sort, ""), Current: q.Status == s})
		}
		sorts := []feedback.PublicSort{feedback.PublicNewest}
		if q.AskedBy {
			sorts = append(sorts, feedback.PublicAsked)
		}
		for _, s := range sorts {
			v.Sorts = append(v.Sorts, roadmapLink{Sort: s, URL: pageURL(q, q.Status, s, ""), Current: q.Sort == s})
		}
		if q.After != nil {
			v.FirstURL = pageURL(q, q.Status, q.Sort, "")
		}
		if next != nil {
			v.NextURL = pageURL(q, q.Status, q.Sort, encodeCursor(q.Sort, next))
		}
		body, err := rm.render("roadmap", q.Lang, locale.T(q.Lang, "common.roadmap"), v)
		return body, "text/html; charset=utf-8", err
	})
}

// json is a page of the public list for programs; next_cursor, when not null, is the ?cursor=
// of the page after it (with the same status, q and sort).
func (rm *roadmap) json(c *gin.Context) {
	q, err := rm.publicQuery(c)
	if err != nil {
		rm.fail(c, err)
		return
	}
	rm.serve(c, pageKey("json", q), func(ctx context.Context, modified time.Time) ([]byte, string, error) {
		reqs, next, err := rm.store.PublicRequestPage(ctx, q)
		if err != nil {
			return nil, "", err
		}
		if reqs == nil {
			reqs = []feedback.PublicRequest{}
		}
		var cursor *string
		if next != nil {
			s := encodeCursor(q.Sort, next)
			cursor = &s
		}
		body, err := json.Marshal(struct {
			Company    string                   `json:"company"`
			UpdatedAt  time.Time                `json:"updated_at"`
			Sort       feedback.PublicSort      `json:"sort"`
			Requests   []feedback.PublicRequest `json:"requests"`
			NextCursor *string                  `json:"next_cursor"`
		}{rm.opts.CompanyName, modified.UTC(), q.Sort, reqs, cursor})
		return body, "application/json; charset=utf-8", err
	})
}

// encodeCursor makes a page's end opaque to readers: the sort it belongs to, its key, its id.
// It holds nothing the page does not show: the last request's id and its last change, or how
// many companies asked for it (sorting by that needs the counts to be public).
func encodeCursor(sort feedback.PublicSort, cur *feedback.PublicCursor) string {
	if cur == nil {
		return ""
	}
	key := cur.At.UnixMicro()
	if sort == feedback.PublicAsked {
		key = int64(cur.Asked)
	}
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%s.%d.%d", sort[:1], key, cur.ID))
}

// decodeCursor reads a cursor of sort; one made for another sort, or not made by
// encodeCursor, is not ok.
func decodeCursor(s string, sort feedback.PublicSort) (*feedback.PublicCursor, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, false
	}
	parts := strings.Split(string(raw), ".")
	if len(parts) != 3 || parts[0] != string(sort[:1]) {
		return nil, false
	}
	key, err1 := strconv.ParseInt(parts[1], 10, 64)
	id, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || id <= 0 || key < 0 {
		return nil, false
	}
	if sort == feedback.PublicAsked {
		return &feedback.PublicCursor{Asked: int(key), ID: id}, true
	}
	return &feedback.PublicCursor{At: time.UnixMicro(key).UTC(), ID: id}, true
}
