package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/koehq/koe/feedback"
)

// linkCache holds backlog_links (migration 00025) in memory, so that a ranking reads no voice
// and no summary row that has not changed since the last one. Each view first reads which
// requests changed since the last read (backlog_link_requests) and only their rows: what any
// replica committed before the view began is in it, and nothing is held for longer than the
// database says. Its size follows the number of summaries (one per request × account × tag ×
// source kind × language, about 32 bytes each), whatever the number of concurrent views: they
// all read one immutable linkSet. The zero value is ready.
type linkCache struct {
	mu      sync.Mutex // one refresh at a time
	horizon uint64     // the xmin of the last refresh's snapshot
	set     atomic.Pointer[linkSet]
}

// linkSet is one moment's summaries, never changed once published (a refresh makes a new one
// sharing the unchanged requests' slices).
type linkSet struct {
	ids   []int64                 // requests with links, ascending
	links map[int64][]summaryLink // ordered by account, tag, source kind, language
	names []string                // tag, source kind and language values by code
	codes map[string]uint16       // names by value; only the refresh (under mu) adds to it
}

// summaryLink is one row of backlog_links without its request: the newest voice that counts of
// one account, tag, source kind and language (codes into linkSet.names).
type summaryLink struct {
	account         int64
	lastAt          int64 // unix microseconds
	mrr             int64
	tag, kind, lang uint16
	hasMRR          bool
}

// summaryLinks returns the summaries as of now: the ones in memory, with those of the requests
// changed since the last refresh read again, in one snapshot.
func (s *DB) summaryLinks(ctx context.Context) (*linkSet, error) {
	c := &s.links
	c.mu.Lock()
	defer c.mu.Unlock()
	var next *linkSet
	var horizon uint64
	err := s.inSnapshot(ctx, "backlog links", func(tx *sqlx.Tx) error {
		var xmin string
		if err := tx.QueryRowContext(ctx, `SELECT pg_snapshot_xmin(pg_current_snapshot())::text`).Scan(&xmin); err != nil {
			return err
		}
		h, err := strconv.ParseUint(xmin, 10, 64)
		if err != nil {
			return err
		}
		horizon = h
		old := c.set.Load()
		if old == nil {
			next, err = loadLinkSet(ctx, tx, nil, nil)
			return err
		}
		// Transactions from the last snapshot's xmin on may have committed since: theirs are
		// the requests to read again (some twice: rows are read whole, so that is harmless).
		var changed []int64
		if err := tx.SelectContext(ctx, &changed, `SELECT request_id FROM backlog_link_requests WHERE changed_by >= $1::text::xid8 ORDER BY request_id`,
			strconv.FormatUint(c.horizon, 10)); err != nil {
			return err
		}
		switch {
		case len(changed) == 0:
			next = old
			return nil
		case changed[0] == 0: // feedback was truncated
			next, err = loadLinkSet(ctx, tx, nil, nil)
			return err
		}
		next, err = loadLinkSet(ctx, tx, old, changed)
		return err
	})
	if err != nil {
		return nil, err
	}
	c.horizon = horizon
	c.set.Store(next)
	return next, nil
}

// loadLinkSet reads the summaries of the requests changed (all of them when old is nil) into
// a new set that shares old's other requests.
func loadLinkSet(ctx context.Context, tx *sqlx.Tx, old *linkSet, changed []int64) (*linkSet, error) {
	next := &linkSet{links: map[int64][]summaryLink{}, codes: map[string]uint16{}}
	q := `SELECT request_id, account_id, tag, source_kind, language, last_at, mrr_at_receipt_minor FROM backlog_links`
	var args []any
	if old != nil {
		next.names, next.codes = old.names, old.codes
		next.links = make(map[int64][]summaryLink, len(old.links)+len(changed))
		for id, ls := range old.links {
			next.links[id] = ls
		}
		for _, id := range changed {
			delete(next.links, id)
		}
		q += ` WHERE request_id = ANY($1)`
		args = append(args, int64Array(changed))
	}
	rows, err := tx.QueryContext(ctx, q+` ORDER BY request_id, account_id, tag, source_kind, language`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var (
		req, prev       int64 = 0, -1
		tag, kind, lang []byte
		at              time.Time
		mrr             sql.NullInt64
		cur             []summaryLink
	)
	for rows.Next() {
		var l summaryLink
		if err := rows.Scan(&req, &l.account, &tag, &kind, &lang, &at, &mrr); err != nil {
			return nil, err
		}
		if req != prev && cur != nil {
			next.links[prev] = cur
			cur = nil
		}
		prev = req
		l.tag, l.kind, l.lang = next.code(tag), next.code(kind), next.code(lang)
		l.lastAt = at.UnixMicro()
		l.mrr, l.hasMRR = mrr.Int64, mrr.Valid
		cur = append(cur, l)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if cur != nil {
		next.links[prev] = slices.Clip(cur)
	}
	next.ids = make([]int64, 0, len(next.links))
	for id := range next.links {
		next.ids = append(next.ids, id)
	}
	slices.Sort(next.ids)
	return next, nil
}

// code is the code of value v, added when new. Codes are only added, so a published set's names
// stay valid; the map is written only under linkCache.mu and read by no reader.
func (ls *linkSet) code(v []byte) uint16 {
	if c, ok := ls.codes[string(v)]; ok {
		return c
	}
	c := uint16(len(ls.names))
	ls.names = append(ls.names, string(v))
	ls.codes[string(v)] = c
	return c
}

// lookup is the code of v in a published set, and whether any summary has it.
func (ls *linkSet) lookup(v string) (uint16, bool) {
	i := slices.Index(ls.names, v)
	return uint16(i), i >= 0
}

// eachSummaryLink is EachVoiceLink from the summaries: per request, account and tag, the newest
// summary the filter lets through (From keeps those at or after it: the newest voice since From
// is the newest voice, when that is since From).
func (s *DB) eachSummaryLink(ctx context.Context, f feedback.BacklogFilter, rates feedback.Rates, fn func(feedback.VoiceLink)) error {
	var c conds
	byAccount, err := accountConds(&c, f, rates)
	if err != nil {
		return err
	}
	var accounts map[int64]bool
	if byAccount {
		var ids []int64
		if err := s.db.SelectContext(ctx, &ids, `SELECT a.id FROM accounts a WHERE `+strings.Join(c.list, " AND "), c.args...); err != nil {
			return fmt.Errorf("store: voice links: accounts: %w", err)
		}
		accounts = make(map[int64]bool, len(ids))
		for _, id := range ids {
			accounts[id] = true
		}
	}
	set, err := s.summaryLinks(ctx)
	if err != nil {
		return fmt.Errorf("store: voice links: %w", err)
	}
	// A value no summary has lets nothing through.
	match := func(v string) (code uint16, any bool, ok bool) {
		if v == "" {
			return 0, true, true
		}
		code, ok = set.lookup(v)
		return code, false, ok
	}
	tag, anyTag, ok1 := match(string(f.Tag))
	kind, anyKind, ok2 := match(string(f.SourceKind))
	lang, anyLang, ok3 := match(f.Language)
	if !ok1 || !ok2 || !ok3 {
		return nil
	}
	from := int64(-1 << 63)
	if f.From != nil {
		from = f.From.UnixMicro()
	}
	for _, req := range set.ids {
		ls := set.links[req]
		for i := 0; i < len(ls); {
			// One (account, tag) group: rows i..j-1.
			j, best := i, -1
			for ; j < len(ls) && ls[j].account == ls[i].account && ls[j].tag == ls[i].tag; j++ {
				l := &ls[j]
				if l.lastAt < from || !anyKind && l.kind != kind || !anyLang && l.lang != lang {
					continue
				}
				if best < 0 || l.lastAt > ls[best].lastAt {
					best = j
				}
			}
			l := &ls[i]
			i = j
			if best < 0 || !anyTag && l.tag != tag || accounts != nil && !accounts[l.account] {
				continue
			}
			b := &ls[best]
			fn(feedback.VoiceLink{RequestID: req, AccountID: b.account, Tag: feedback.Tag(set.names[b.tag]),
				LastAt: time.UnixMicro(b.lastAt).UTC(), MRRAtReceipt: b.mrr, HasMRR: b.hasMRR})
		}
	}
	return nil
}
