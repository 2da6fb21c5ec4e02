package slackbot

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/scoring"
	"github.com/koehq/koe/store"
	"github.com/koehq/koe/triage"
)

// Kinds of the posts about the backlog.
const (
	KindRequest       = "request"         // a request crossed the revenue threshold
	KindRequestUpdate = "request_update"  // more accounts, or a new status, in its thread
	KindShipped       = store.KindShipped // a request shipped: the accounts to follow up with
	KindChurn         = "churn"           // a churn-risk voice from a big account
	KindDigest        = "digest"          // the weekly digest
)

// Kinds are every kind of message this package puts in the outbox (OutboxRow.Kind), for the
// pages that name them in words; a new kind belongs here too.
var Kinds = []string{KindVoice, KindReview, KindReviewSummary, KindRequest, KindRequestUpdate, KindShipped, KindChurn, KindDigest}

// Watch looks at the ranked backlog and queues what the company should hear about it: requests
// whose revenue at stake crosses RequestThreshold (once; later more accounts or a new status as
// replies in its thread), churn-risk voices from accounts paying at least ChurnMRR, and the weekly
// digest once its time has come. Every post has a key that makes it once-only, so replicas may
// all watch. It returns how many messages it queued (or found queued already).
func (c Config) Watch(ctx context.Context, st *store.DB, now time.Time) (int, error) {
	c = c.Defaults()
	w, err := triage.Weights(ctx, st)
	if err != nil {
		return 0, err
	}
	// Every status is ranked, so that a request already posted gets its new status (shipped,
	// declined) in its thread; only open requests are posted anew or make the digest.
	b, err := triage.Rank(ctx, st, triage.Query{Statuses: feedback.RequestStatuses, Currency: c.Currency}, w, now, 0)
	if err != nil {
		return 0, fmt.Errorf("watch: rank: %w", err)
	}
	ranked := b.Requests
	var open []scoring.Ranked
	for _, r := range ranked {
		if slices.Contains(feedback.OpenStatuses, r.Status) {
			open = append(open, r)
		}
	}
	var msgs []store.OutboxMessage
	var keys []string
	for _, r := range ranked {
		if r.Score >= c.RequestThreshold {
			keys = append(keys, requestKey(r.RequestID))
		}
	}
	digestKey, prevKey := weekKey(now.In(c.Location)), weekKey(now.In(c.Location).AddDate(0, 0, -7))
	keys = append(keys, digestKey, prevKey)
	known, err := st.OutboxSubjects(ctx, keys)
	if err != nil {
		return 0, err
	}
	for _, r := range ranked {
		if r.Score < c.RequestThreshold {
			continue
		}
		key := requestKey(r.RequestID)
		subject := map[string]any{"request_id": r.RequestID, "title": r.Title, "score": r.Score, "accounts": r.Accounts, "status": string(r.Status)}
		first, ok := known[key]
		if !ok && !slices.Contains(feedback.OpenStatuses, r.Status) {
			continue // closed before it was ever posted: no news
		}
		if !ok {
			msgs = append(msgs, store.OutboxMessage{DedupeKey: key, Kind: KindRequest, Subject: subject})
			continue
		}
		if n, _ := first["accounts"].(float64); r.Accounts > int(n) {
			msgs = append(msgs, store.OutboxMessage{DedupeKey: fmt.Sprintf("%s:accounts:%d", key, r.Accounts), Kind: KindRequestUpdate,
				Subject: subject, ParentKey: key})
		}
		if s, _ := first["status"].(string); string(r.Status) != s {
			msgs = append(msgs, store.OutboxMessage{DedupeKey: fmt.Sprintf("%s:status:%s", key, r.Status), Kind: KindRequestUpdate,
				Subject: subject, ParentKey: key})
		}
	}
	churn, err := st.ChurnVoices(ctx, now.Add(-c.MaxAge))
	if err != nil {
		return 0, err
	}
	for _, v := range churn {
		if base, ok := b.Rates.Convert(v.MRR); ok && base/b.Rates.MinorPerMajor() >= c.ChurnMRR {
			msgs = append(msgs, store.OutboxMessage{DedupeKey: fmt.Sprintf("churn:%d", v.FeedbackID), Kind: KindChurn,
				Subject: map[string]any{"feedback_id": v.FeedbackID}})
		}
	}
	if _, done := known[digestKey]; !done && !now.Before(c.digestTime(now)) && len(open) > 0 {
		subject := digest(open, known[prevKey])
		if subject["reviews"], err = reviewsWaiting(ctx, st, now); err != nil {
			return 0, fmt.Errorf("watch: %w", err)
		}
		msgs = append(msgs, store.OutboxMessage{DedupeKey: digestKey, Kind: KindDigest, Subject: subject})
	}
	return len(msgs), st.Enqueue(ctx, msgs)
}

func requestKey(id int64) string { return fmt.Sprintf("request:%d", id) }

// weekKey names the ISO week of t.
func weekKey(t time.Time) string {
	y, w := t.ISOWeek()
	return fmt.Sprintf("digest:%d-W%02d", y, w)
}

// digestTime is when this week's digest is due: DigestDay at DigestHour in Location.
func (c Config) digestTime(now time.Time) time.Time {
	t := now.In(c.Location)
	monday := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, c.Location).AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
	return monday.AddDate(0, 0, (int(c.DigestDay)+6)%7).Add(time.Duration(c.DigestHour) * time.Hour)
}

// digest is the weekly digest's subject: the top ten, the biggest movers against last week's
// digest, and this week's scores for next week's comparison.
func digest(ranked []scoring.Ranked, prev map[string]any) map[string]any {
	var top []map[string]any
	scores := map[string]any{}
	for i, r := range ranked {
		if i < 10 {
			top = append(top, map[string]any{"request_id": r.RequestID, "title": r.Title, "score": r.Score, "accounts": r.Accounts})
		}
		if i < 200 {
			scores[strconv.FormatInt(r.RequestID, 10)] = r.Score
		}
	}
	var movers []map[string]any
	if before, ok := prev["scores"].(map[string]any); ok {
		for _, r := range ranked[:min(len(ranked), 200)] {
			was, _ := before[strconv.FormatInt(r.RequestID, 10)].(float64)
			if d := r.Score - was; d > 0 {
				movers = append(movers, map[string]any{"request_id": r.RequestID, "title": r.Title, "score": r.Score, "delta": d})
			}
		}
		sort.SliceStable(movers, func(i, j int) bool { return movers[i]["delta"].(float64) > movers[j]["delta"].(float64) })
		movers = movers[:min(len(movers), 3)]
	}
	return map[string]any{"top": top, "movers": movers, "scores": scores}
}
