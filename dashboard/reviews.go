package dashboard

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest/textproc"
	"github.com/koehq/koe/replies"
	"github.com/koehq/koe/reviews"
	"github.com/koehq/koe/store"
)

// lateReviews is the age after which a waiting review counts in the navigation.
const lateReviews = 7 * 24 * time.Hour

// reviewAges are the age filters of the queue: the newest week, older than a week, older than a
// month.
var reviewAges = map[string]struct{ newer, older time.Duration }{
	"week":  {newer: lateReviews},
	"late":  {older: lateReviews},
	"month": {older: 30 * 24 * time.Hour},
}

// replyService is the one way the dashboard writes, sends and marks replies.
func (s *Server) replyService() *reviews.Service {
	rep := s.opts.Replies
	if rep == nil { // no stores wired (tests, the demo): every site is answered by hand
		rep = func(string) (replies.Replier, error) { return nil, replies.ErrNoReplyAPI }
	}
	return &reviews.Service{Store: s.store, Repliers: rep, App: s.opts.CompanyName}
}

// reviewItem is a review on the queue, with what its editor needs.
type reviewItem struct {
	store.Review
	// Start is the editor's text: the draft, else the template, else nothing.
	Start string
	// API says the store takes replies through Koe; Max is its limit in characters.
	API   bool
	Max   int
	Len   int
	Ago   int // days since it arrived
	Stars string
	// RatingN is the rating rounded to whole stars, for the words a screen reader says.
	RatingN int
}

// reviewsPage is the queue of reviews from every source, newest first, with the reply editor of
// each for the roles that may reply.
func (s *Server) reviewsPage(c *gin.Context) {
	ctx := c.Request.Context()
	f := store.ReviewFilter{Source: c.Query("source"), Language: c.Query("language"), State: c.Query("state"), Limit: 200}
	f.Rating, _ = strconv.Atoi(c.Query("rating"))
	if a, ok := reviewAges[c.Query("age")]; ok {
		f.NewerThan, f.OlderThan = a.newer, a.older
	}
	if f.State != "open" && !validReplyState(f.State) {
		f.State = ""
	}
	list, err := s.store.Reviews(ctx, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	// A waiting review whose raw record shows a reply written in the store's console is
	// answered elsewhere: read the records of this page that changed since they were last read
	// (the reply worker does the same for every review within seconds of its ingest).
	var waiting []int64
	for _, rv := range list {
		if rv.Reply.State.Open() {
			waiting = append(waiting, rv.ID)
		}
	}
	if _, found, err := reviews.ReadRaw(ctx, s.store, s.log, waiting, len(waiting)); err != nil {
		s.log.Warn("reviews: raw records", "err", err) // the page still shows the queue
	} else if found > 0 {
		if list, err = s.store.Reviews(ctx, f); err != nil {
			s.fail(c, err)
			return
		}
	}
	sources, err := s.store.ReviewSources(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	templates, err := s.store.ReplyTemplates(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	svc := s.replyService()
	type limit struct {
		max int
		api bool
	}
	limits := map[string]limit{}
	items := make([]reviewItem, len(list))
	for i, rv := range list {
		l, seen := limits[rv.SourceName]
		if !seen {
			max, api, err := svc.Limit(rv.SourceName)
			if err != nil { // a source's settings are broken: its reviews are answered by hand until fixed
				s.log.Warn("reviews: replier", "source", rv.SourceName, "err", err)
			}
			l = limit{max, api}
			limits[rv.SourceName] = l
		}
		start := svc.Start(rv, templates)
		items[i] = reviewItem{Review: rv, Start: start, API: l.api, Max: l.max, Len: utf8.RuneCountInString(start), Stars: stars(rv.Rating), RatingN: rounded(rv.Rating),
			Ago: int(time.Since(rv.ReceivedAt) / (24 * time.Hour))}
	}
	u, _ := currentUser(c)
	s.render(c, http.StatusOK, "reviews", words(c).T("reviews.title"), gin.H{
		"Reviews": items, "Filter": f, "Age": c.Query("age"), "Sources": sources, "Languages": textproc.Languages,
		"States": store.ReplyStates, "CanReply": mayReply(u.Role), "Back": c.Request.URL.RequestURI(),
	})
}

// mayReply says whether a role may write and send replies: cs and admin (the route table says
// the same; the page hides the forms from the others).
func mayReply(r feedback.Role) bool { return r == feedback.RoleCS || r == feedback.RoleAdmin }

func validReplyState(s string) bool {
	for _, v := range store.ReplyStates {
		if string(v) == s {
			return true
		}
	}
	return false
}

// reviewReply saves a draft, sends it, or marks the review answered (the form's "do"), as the
// signed-in person, and goes back to the queue where they were.
func (s *Server) reviewReply(c *gin.Context) {
	p := words(c)
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(c, userError(feedback.ENOTFOUND, p.T("reviews.no_review", "ID", c.Param("id"))))
		return
	}
	u, _ := currentUser(c)
	svc, text := s.replyService(), c.PostForm("text")
	ctx := c.Request.Context()
	switch c.PostForm("do") {
	case "send":
		err = svc.Send(ctx, id, text, u.Email)
	case "mark":
		err = svc.Mark(ctx, id, text, u.Email)
	default:
		err = svc.Draft(ctx, id, text, u.Email)
	}
	var tooLong *reviews.TooLongError
	switch {
	case errors.As(err, &tooLong):
		err = userError(feedback.EINVALID, p.T("reviews.too_long", "Len", tooLong.Len, "Max", tooLong.Max))
	case errors.Is(err, replies.ErrNoReplyAPI):
		err = userError(feedback.EINVALID, p.T("reviews.no_api"))
	case errors.Is(err, store.ErrReplyInFlight):
		err = userError(feedback.ECONFLICT, p.T("reviews.in_flight"))
	case errors.Is(err, reviews.ErrEmpty):
		err = userError(feedback.EINVALID, p.T("reviews.empty"))
	case feedback.ErrorCode(err) == feedback.ENOTFOUND:
		err = userError(feedback.ENOTFOUND, p.T("reviews.no_review", "ID", c.Param("id")))
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, queueBack(c.PostForm("back"))+"#review-"+strconv.FormatInt(id, 10))
}

// queueBack is where a reply form returns: the queue with the filters it was sent from, never
// another site.
func queueBack(back string) string {
	u, err := url.Parse(back)
	if err != nil || u.Host != "" || u.Scheme != "" || u.Path != "/app/reviews" {
		return "/app/reviews"
	}
	return u.Path + "?" + u.Query().Encode()
}

func rounded(r *float64) int {
	if r == nil {
		return 0
	}
	return min(max(int(*r+0.5), 0), 5)
}

// stars shows a rating as five stars (★★★☆☆); "" without one.
func stars(r *float64) string {
	if r == nil || *r <= 0 {
		return ""
	}
	n := rounded(r)
	return strings.Repeat("★", n) + strings.Repeat("☆", 5-n)
}

// navCount keeps the navigation's count for navCountTTL: it is on every staff page, and counting
// a large review queue takes tens of milliseconds (BenchmarkReviewQueue). A person's own reply
// shows in it within the TTL; the queue page itself is always current.
type navCount struct {
	mu sync.Mutex
	n  int
	at time.Time
}

const navCountTTL = 30 * time.Second

// lateReviews counts the reviews waiting longer than a week, for the navigation; 0 (and a log
// line) when the database cannot say, so that no page fails for its header.
func (s *Server) lateReviews(c *gin.Context) int {
	s.lateCount.mu.Lock()
	defer s.lateCount.mu.Unlock()
	if time.Since(s.lateCount.at) < navCountTTL && c.Request.URL.Path != "/app/reviews" {
		return s.lateCount.n
	}
	b, err := s.store.UnansweredReviews(c.Request.Context(), time.Now().Add(-lateReviews))
	if err != nil {
		s.log.Warn("reviews: count for the navigation", "err", err)
		return 0
	}
	s.lateCount.n, s.lateCount.at = b.Late, time.Now()
	return b.Late
}
