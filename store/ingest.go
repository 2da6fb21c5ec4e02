package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/koehq/koe/feedback"
)

// FeedbackBatch is one write of an ingest run: voices from one source, and the source's cursor
// after them, saved in the same transaction.
type FeedbackBatch struct {
	Items  []feedback.Item
	Cursor *SourceCursor
	// Threads says an item may be a later message of a conversation already stored (email):
	// its words are added to the stored ones, unless every message it carries (raw.message_ids)
	// is there already. Otherwise a stored voice takes the source's latest words.
	Threads bool
	// Flushed says a later commit of the run will be durable before the run reports success (the
	// run record's, store.FinishRun): this batch's commit then does not wait for its WAL to reach
	// the disk (synchronous_commit off for it alone). A server crash before that later commit
	// may lose the batch with its cursor — both or neither, so the source is read again from
	// there — but never corrupts anything; the later commit's flush makes every batch before it
	// durable. Leave it unset when nothing commits after the batch (one voice posted to the API).
	Flushed bool
}

// IngestCounts says what a batch did.
type IngestCounts struct {
	New       int
	Updated   int // the source edited the words; triage work was kept
	Duplicate int
}

var stageFeedbackColumns = []string{"source_kind", "source_name", "source_id", "received_at", "author_name",
	"author_email", "company_name", "account_id", "match_rule", "title", "body", "context", "language", "rating",
	"sentiment", "url", "raw", "search_text", "search_grams"}

// SaveFeedback writes a batch with COPY into a staging table and one INSERT … ON CONFLICT: a voice
// already there (same source kind, name and id) with the same words is a duplicate, taken off the
// stage before the INSERT so that it costs one index probe; one whose source changed its words is
// updated without touching triage work. A new voice gets the MRR its account had when it
// was received. Items must have distinct source ids. It returns the voices the batch added, with
// their ids, in the batch's order. To queue messages about them in the same transaction, use
// Tx.SaveFeedback and Tx.Enqueue.
func (s *DB) SaveFeedback(ctx context.Context, b FeedbackBatch) (IngestCounts, []feedback.Item, error) {
	var c IngestCounts
	var added []feedback.Item
	err := s.inTx(ctx, "save feedback", func(tx *sqlx.Tx) (err error) {
		c, added, err = saveFeedback(ctx, tx, b)
		return err
	})
	if err != nil {
		return IngestCounts{}, nil, err
	}
	return c, added, nil
}

func saveFeedback(ctx context.Context, tx *sqlx.Tx, b FeedbackBatch) (IngestCounts, []feedback.Item, error) {
	var c IngestCounts
	if b.Flushed {
		if _, err := tx.ExecContext(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
			return c, nil, err
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE IF NOT EXISTS stage_feedback (
		source_kind text, source_name text, source_id text, received_at timestamptz, author_name text,
		author_email text, company_name text, account_id bigint, match_rule text, title text, body text,
		context text, language text, rating real, sentiment real, url text, raw jsonb, search_text text, search_grams int[]) ON COMMIT DELETE ROWS`); err != nil {
		return c, nil, err
	}
	if err := copyRows(ctx, tx, "stage_feedback", stageFeedbackColumns, len(b.Items), func(i int) []any {
		it := &b.Items[i]
		var raw any
		if len(it.Raw) > 0 {
			raw = string(it.Raw)
		}
		key := searchText(it.Title, it.Body)
		return []any{string(it.SourceKind), it.SourceName, it.SourceID, it.ReceivedAt, it.AuthorName, it.AuthorEmail,
			it.CompanyName, it.AccountID, it.MatchRule, it.Title, it.Body, it.Context, it.Language, it.Rating,
			it.Sentiment, it.URL, raw, key, pq.Int32Array(searchGrams(key))}
	}); err != nil {
		return c, nil, err
	}
	// A voice stored already with the same words is a duplicate: it leaves the stage here, by its
	// key, so the INSERT below neither computes its search text and pieces, looks up its MRR, nor
	// fires the feedback triggers for it; a batch of duplicates (a rerun) writes no feedback row
	// and does not mark the backlog changed.
	unchanged := sameWords
	onConflict := replaceWords
	if b.Threads {
		unchanged, onConflict = sameMessages, appendWords
	}
	// A scalar subquery, so that each staged voice is one probe of the unique key: as a join, the
	// planner (no statistics on the stage) hashed the whole feedback table for every batch.
	res, err := tx.ExecContext(ctx, `DELETE FROM stage_feedback s WHERE (SELECT `+unchanged+` FROM feedback f
		WHERE f.source_kind = s.source_kind AND f.source_name = s.source_name AND f.source_id = s.source_id)`)
	if err != nil {
		return c, nil, err
	}
	dup, err := res.RowsAffected()
	if err != nil {
		return c, nil, err
	}
	if int(dup) == len(b.Items) {
		c.Duplicate = len(b.Items)
		if b.Cursor != nil {
			if err := saveCursor(ctx, tx, *b.Cursor); err != nil {
				return c, nil, err
			}
		}
		return c, nil, nil
	}
	rows, err := tx.QueryContext(ctx, `
		INSERT INTO feedback AS f (source_kind, source_name, source_id, received_at, author_name, author_email,
			company_name, account_id, match_rule, mrr_at_receipt_minor, mrr_currency, title, body, context,
			language, rating, sentiment, url, raw, search_text, search_grams)
		SELECT s.source_kind, s.source_name, s.source_id, s.received_at, s.author_name, s.author_email,
			s.company_name, s.account_id, s.match_rule, h.mrr_minor, COALESCE(h.currency, ''), s.title, s.body,
			s.context, s.language, s.rating, s.sentiment, s.url, s.raw, s.search_text, s.search_grams
		FROM stage_feedback s
		LEFT JOIN LATERAL (`+mrrAt("s.account_id", "s.received_at")+`) h ON true
`+onConflict+`
		RETURNING (xmax = 0) AS inserted, f.id, f.source_id`)
	if err != nil {
		return c, nil, err
	}
	defer rows.Close()
	ids := map[string]int64{}
	for rows.Next() {
		var inserted bool
		var id int64
		var sourceID string
		if err := rows.Scan(&inserted, &id, &sourceID); err != nil {
			return c, nil, err
		}
		if inserted {
			c.New++
			ids[sourceID] = id
		} else {
			c.Updated++
		}
	}
	if err := rows.Err(); err != nil {
		return c, nil, err
	}
	rows.Close()
	var added []feedback.Item
	for _, it := range b.Items {
		if id, ok := ids[it.SourceID]; ok {
			it.ID = id
			added = append(added, it)
		}
	}
	c.Duplicate = len(b.Items) - c.New - c.Updated
	if b.Cursor != nil {
		if err := saveCursor(ctx, tx, *b.Cursor); err != nil {
			return c, nil, err
		}
	}
	return c, added, nil
}

// sameWords is true of a stored voice f that a staged one s would not change (replaceWords).
const sameWords = `(f.title, f.body, f.context, f.rating) IS NOT DISTINCT FROM (s.title, s.body, s.context, s.rating)`

// sameMessages is true of a stored conversation f that holds every message of a staged one s
// (appendWords).
const sameMessages = `COALESCE(f.raw->'message_ids', '[]'::jsonb) @> COALESCE(s.raw->'message_ids', '[]'::jsonb)`

// replaceWords: an edited voice takes the source's latest words; triage work stays.
const replaceWords = `ON CONFLICT (source_kind, source_name, source_id) DO UPDATE
	SET title = EXCLUDED.title, body = EXCLUDED.body, context = EXCLUDED.context,
	    language = EXCLUDED.language, rating = EXCLUDED.rating, sentiment = EXCLUDED.sentiment,
	    url = EXCLUDED.url, raw = EXCLUDED.raw, search_text = EXCLUDED.search_text,
	    search_grams = EXCLUDED.search_grams, updated_at = now()
	WHERE (f.title, f.body, f.context, f.rating) IS DISTINCT FROM
	      (EXCLUDED.title, EXCLUDED.body, EXCLUDED.context, EXCLUDED.rating)`

// appendWords: a voice holding messages of a conversation (raw.message_ids, raw.messages) adds
// the words and context of the messages the stored voice does not have yet, in order; one whose
// messages are all there changes nothing.
const appendWords = `ON CONFLICT (source_kind, source_name, source_id) DO UPDATE
	SET body = f.body || COALESCE((
	        SELECT string_agg(E'\n\n' || (m->>'words'), '' ORDER BY n)
	        FROM jsonb_array_elements(EXCLUDED.raw->'messages') WITH ORDINALITY AS x(m, n)
	        WHERE NOT COALESCE(f.raw->'message_ids', '[]'::jsonb) ? (m->>'id')), ''),
	    context = f.context || COALESCE((
	        SELECT string_agg(CASE WHEN f.context = '' AND n = 1 THEN '' ELSE E'\n\n' END || (m->>'context'), '' ORDER BY n)
	        FROM jsonb_array_elements(EXCLUDED.raw->'messages') WITH ORDINALITY AS x(m, n)
	        WHERE COALESCE(m->>'context', '') <> ''
	          AND NOT COALESCE(f.raw->'message_ids', '[]'::jsonb) ? (m->>'id')), ''),
	    raw = jsonb_set(COALESCE(f.raw, '{}'::jsonb), '{message_ids}', COALESCE(f.raw->'message_ids', '[]'::jsonb) || COALESCE((
	        SELECT jsonb_agg(i) FROM jsonb_array_elements_text(EXCLUDED.raw->'message_ids') i
	        WHERE NOT COALESCE(f.raw->'message_ids', '[]'::jsonb) ? i), '[]'::jsonb)),
	    updated_at = now()
	WHERE NOT COALESCE(f.raw->'message_ids', '[]'::jsonb) @> COALESCE(EXCLUDED.raw->'message_ids', '[]'::jsonb)`

// RequestIDsByTitle returns the ids of requests whose title (or public title) is one of titles,
// creating those that do not exist, in one transaction: for importing a sheet's triage work.
func (s *DB) RequestIDsByTitle(ctx context.Context, titles []string, actor string) (map[string]int64, error) {
	out := map[string]int64{}
	err := s.inTx(ctx, "requests by title", func(tx *sqlx.Tx) error {
		if len(titles) == 0 {
			return nil
		}
		rows, err := tx.QueryxContext(ctx, `SELECT DISTINCT ON (t) t, r.id FROM unnest($1::text[]) t
			JOIN requests r ON (r.title = t OR r.public_title = t) AND r.merged_into IS NULL
			ORDER BY t, r.id`, pq.Array(titles))
		if err != nil {
			return err
		}
		for rows.Next() {
			var t string
			var id int64
			if err := rows.Scan(&t, &id); err != nil {
				rows.Close()
				return err
			}
			out[t] = id
		}
		rows.Close()
		for _, t := range titles {
			if _, ok := out[t]; ok || t == "" {
				continue
			}
			var id int64
			if err := tx.GetContext(ctx, &id, `INSERT INTO requests (title) VALUES ($1) RETURNING id`, t); err != nil {
				return fmt.Errorf("create request %q: %w", t, err)
			}
			out[t] = id
			if err := audit(ctx, tx, actor, "request", id, "create", nil, map[string]string{"title": t}); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// TriageImport is triage work that came with an imported voice (an existing feedback sheet).
type TriageImport struct {
	SourceKind  feedback.SourceKind
	SourceName  string
	SourceID    string
	RequestID   *int64
	Tag         feedback.Tag
	Insight     string
	WhoBenefits string
}

// ApplyTriageImports sets triage work on voices that have none yet (a person's work in Koe always
// wins over a re-imported sheet), marks them triaged, and writes the audit log.
func (s *DB) ApplyTriageImports(ctx context.Context, items []TriageImport, actor string) (int, error) {
	n := 0
	err := s.inTx(ctx, "import triage", func(tx *sqlx.Tx) error {
		for _, t := range items {
			var tag any
			if t.Tag != feedback.TagNone {
				tag = string(t.Tag)
			}
			var id int64
			err := tx.GetContext(ctx, &id, `
				UPDATE feedback SET request_id = COALESCE($4, request_id), tag = COALESCE($5, tag),
					insight = CASE WHEN insight = '' THEN $6 ELSE insight END,
					who_benefits = CASE WHEN who_benefits = '' THEN $7 ELSE who_benefits END,
					status = 'triaged', triaged_at = now(), updated_at = now()
				WHERE source_kind = $1 AND source_name = $2 AND source_id = $3 AND status = 'new'
				  AND request_id IS NULL AND tag IS NULL AND insight = ''
				RETURNING id`, string(t.SourceKind), t.SourceName, t.SourceID, t.RequestID, tag, t.Insight, t.WhoBenefits)
			if err != nil {
				if isNoRows(err) {
					continue
				}
				return err
			}
			n++
			if err := audit(ctx, tx, actor, "feedback", id, "triage_import", nil, t); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}
