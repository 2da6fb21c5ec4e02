package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"golang.org/x/sync/errgroup"
)

// SentimentModel is the stored sentiment model's counts, in the shape of textproc.Model: [0] is
// negative, [1] positive.
type SentimentModel struct {
	Version int64
	Docs    [2]int64
	Tokens  [2]int64
	// Counts are, by feature id, how many negative and positive reviews had the feature.
	Counts map[uint32][2]int64
}

// RatedText is a review with a star rating that says which way it leans: 4 stars or more is
// positive, 2 or fewer negative (3 says nothing and is never given out).
type RatedText struct {
	ID       int64
	Text     string
	Positive bool
}

// UnratedVoice is the words of a voice without a rating, to score.
type UnratedVoice struct {
	ID   int64  `db:"id"`
	Text string `db:"text"`
}

// reviewKey names a voice by its source and the source's own id: the same voice has the same key
// whatever id it was stored under.
const reviewKey = `concat_ws(E'\x1f', source_kind, source_name, source_id)`

// sentimentBatch is how many voices are read at a time.
const sentimentBatch = 2000

// SentimentVersion returns the stored model's version, which every change increases: a replica
// asks it before scoring and reloads the model only when it moved.
func (s *DB) SentimentVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.db.GetContext(ctx, &v, `SELECT version FROM sentiment_model`); err != nil {
		return 0, fmt.Errorf("store: sentiment model version: %w", explain(err))
	}
	return v, nil
}

// SentimentModelCounts returns the whole stored model.
func (s *DB) SentimentModelCounts(ctx context.Context) (SentimentModel, error) {
	m := SentimentModel{Counts: map[uint32][2]int64{}}
	err := s.inSnapshot(ctx, "load sentiment model", func(tx *sqlx.Tx) error {
		if err := tx.QueryRowxContext(ctx, `SELECT version, negative_docs, positive_docs, negative_tokens, positive_tokens
			FROM sentiment_model`).Scan(&m.Version, &m.Docs[0], &m.Docs[1], &m.Tokens[0], &m.Tokens[1]); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT feature, negative, positive FROM sentiment_features`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var f int64
			var n [2]int64
			if err := rows.Scan(&f, &n[0], &n[1]); err != nil {
				return err
			}
			m.Counts[uint32(f)] = n
		}
		return rows.Err()
	})
	return m, err
}

// LearnSentiment hands learn the rated reviews stored since the model last learned, a batch at a
// time in the order they were stored, and adds the counts it returns to the stored model, in one
// transaction that holds the model's row: two replicas learning at once take turns, and the
// second finds the reviews learned. It returns the model's version before and after and how many
// reviews were learned; with none, the version stays. A caller whose model was at before may add
// the counts learn returned itself rather than load the model again.
func (s *DB) LearnSentiment(ctx context.Context, learn func([]RatedText) SentimentModel) (before, after int64, learned int, err error) {
	err = s.inTx(ctx, "learn sentiment", func(tx *sqlx.Tx) error {
		var through int64
		var key string
		if err := tx.QueryRowxContext(ctx, `SELECT version, learned_through, learned_key FROM sentiment_model FOR UPDATE`).Scan(&before, &through, &key); err != nil {
			return err
		}
		after = before
		if through > 0 {
			// The voices were replaced (their ids start again) when the last review learned is gone.
			var now string
			if err := tx.GetContext(ctx, &now, `SELECT COALESCE((SELECT `+reviewKey+` FROM feedback WHERE id = $1), '')`, through); err != nil {
				return err
			}
			if now != key {
				if err := resetSentiment(ctx, tx); err != nil {
					return err
				}
				through, after = 0, before+1
			}
		}
		sum := SentimentModel{Counts: map[uint32][2]int64{}}
		for {
			var batch []RatedText
			rows, err := tx.QueryxContext(ctx, `SELECT id, title || E'\n' || body, rating >= 4 FROM feedback
				WHERE id > $1 AND rating IS NOT NULL AND (rating >= 4 OR rating <= 2) ORDER BY id LIMIT $2`, through, sentimentBatch)
			if err != nil {
				return err
			}
			for rows.Next() {
				var r RatedText
				if err := rows.Scan(&r.ID, &r.Text, &r.Positive); err != nil {
					rows.Close()
					return err
				}
				batch = append(batch, r)
			}
			if err := rows.Close(); err != nil {
				return err
			}
			if len(batch) == 0 {
				break
			}
			d := learn(batch)
			for c := range 2 {
				sum.Docs[c] += d.Docs[c]
				sum.Tokens[c] += d.Tokens[c]
			}
			for f, n := range d.Counts {
				o := sum.Counts[f]
				sum.Counts[f] = [2]int64{o[0] + n[0], o[1] + n[1]}
			}
			learned += len(batch)
			through = batch[len(batch)-1].ID
		}
		if learned == 0 {
			return nil
		}
		features, neg, pos := make([]int64, 0, len(sum.Counts)), make([]int64, 0, len(sum.Counts)), make([]int64, 0, len(sum.Counts))
		for f, n := range sum.Counts {
			features, neg, pos = append(features, int64(f)), append(neg, n[0]), append(pos, n[1])
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sentiment_features AS s (feature, negative, positive)
			SELECT * FROM unnest($1::int[], $2::bigint[], $3::bigint[])
			ON CONFLICT (feature) DO UPDATE SET negative = s.negative + EXCLUDED.negative, positive = s.positive + EXCLUDED.positive`,
			pq.Array(features), pq.Array(neg), pq.Array(pos)); err != nil {
			return err
		}
		return tx.QueryRowxContext(ctx, `UPDATE sentiment_model SET version = version + 1,
			negative_docs = negative_docs + $1, positive_docs = positive_docs + $2,
			negative_tokens = negative_tokens + $3, positive_tokens = positive_tokens + $4,
			learned_through = $5, learned_key = (SELECT `+reviewKey+` FROM feedback WHERE id = $5), updated_at = now()
			RETURNING version`,
			sum.Docs[0], sum.Docs[1], sum.Tokens[0], sum.Tokens[1], through).Scan(&after)
	})
	return before, after, learned, err
}

// RescoreSentiment stores score's sentiment for the voices without a rating stored since the last
// rescoring — or for all of them when all is set (a model that learned much since) — up to the
// voice until (math.MaxInt64: all of them), and returns how many changed. A voice whose words an
// edit changed later was scored by the rules again when stored, and is scored with the model
// again only with all: finding edited voices would read the whole table at every intake. score
// is called from several goroutines at once.
//
// The voices are rescored a window of sentimentBatch at a time, each window a transaction of its
// own, by rescoreWorkers windows at once: one scores here while another's UPDATE runs in
// PostgreSQL, so both sides use every core (after a 200,000-voice import the rescoring took 4.0–4.4
// s with one window at a time). scored_through moves past a window only once every window before
// it is done as well, in a transaction that waits for the disk and so makes the windows before it
// durable, none of which waited: a failure or a crash halfway leaves what was not done, and at
// most what was, to be scored again. One rescoring runs at a time among replicas (a session
// advisory lock); learning goes on beside it.
func (s *DB) RescoreSentiment(ctx context.Context, all bool, until int64, score func(UnratedVoice) float64) (changed int, err error) {
	conn, err := s.db.Connx(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: rescore sentiment: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(hashtextextended('koe:sentiment-rescore', 0))`); err != nil {
		return 0, fmt.Errorf("store: rescore sentiment: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(hashtextextended('koe:sentiment-rescore', 0))`)
	var after int64
	if !all {
		if err := conn.GetContext(ctx, &after, `SELECT scored_through FROM sentiment_model`); err != nil {
			return 0, fmt.Errorf("store: rescore sentiment: %w", err)
		}
	}
	var (
		mu   sync.Mutex
		done = map[int64]int64{} // window (lo, hi] done: lo → hi
	)
	windows := make(chan [2]int64)
	g, gctx := errgroup.WithContext(ctx)
	for range rescoreWorkers {
		g.Go(func() error {
			for w := range windows {
				n, err := s.rescoreWindow(gctx, w[0], w[1], score)
				if err != nil {
					return err
				}
				mu.Lock()
				changed += n
				done[w[0]] = w[1]
				mu.Unlock()
			}
			return nil
		})
	}
	g.Go(func() error { // the windows, in order of id: each ends sentimentBatch voices on
		defer close(windows)
		for lo := after; ; {
			var hi int64
			err := conn.GetContext(gctx, &hi, `SELECT id FROM feedback WHERE id > $1 AND id <= $3 ORDER BY id OFFSET $2 LIMIT 1`,
				lo, sentimentBatch-1, until)
			last := errors.Is(err, sql.ErrNoRows)
			if last {
				err = conn.GetContext(gctx, &hi, `SELECT COALESCE(max(id), $1) FROM feedback WHERE id > $1 AND id <= $2`, lo, until)
			}
			if err != nil || hi == lo {
				return err
			}
			select {
			case windows <- [2]int64{lo, hi}:
			case <-gctx.Done():
				return gctx.Err()
			}
			if last {
				return nil
			}
			lo = hi
		}
	})
	err = g.Wait()
	through := after
	for hi, ok := done[through]; ok; hi, ok = done[through] {
		through = hi
	}
	if through > after {
		if _, uerr := s.db.ExecContext(context.WithoutCancel(ctx), `UPDATE sentiment_model SET scored_through = GREATEST(scored_through, $1)`, through); err == nil {
			err = uerr
		}
	}
	if err != nil {
		return changed, fmt.Errorf("store: rescore sentiment: %w", err)
	}
	return changed, nil
}

// rescoreWorkers is how many windows RescoreSentiment rescores at once.
const rescoreWorkers = 2

// rescoreWindow rescores the voices without a rating in (lo, hi] and returns how many changed.
func (s *DB) rescoreWindow(ctx context.Context, lo, hi int64, score func(UnratedVoice) float64) (changed int, err error) {
	err = s.inTx(ctx, "rescore sentiment", func(tx *sqlx.Tx) error {
		// The window's voices, rated ones too (skipped here): with rating IS NULL in the query, a
		// table with no statistics yet (right after a big import) was read whole for every
		// window, the planner taking the condition to leave a few rows.
		var window []struct {
			UnratedVoice
			Rated     bool     `db:"rated"`
			Sentiment *float32 `db:"sentiment"`
		}
		if err := tx.SelectContext(ctx, &window, `SELECT id, rating IS NOT NULL AS rated, sentiment,
			CASE WHEN rating IS NULL THEN title || E'\n' || body ELSE '' END AS text
			FROM feedback WHERE id > $1 AND id <= $2 ORDER BY id`, lo, hi); err != nil {
			return err
		}
		// Only the voices whose stored score (a real) changes are sent.
		var ids []int64
		var scores []float64
		for _, v := range window {
			if v.Rated {
				continue
			}
			if sc := score(v.UnratedVoice); v.Sentiment == nil || *v.Sentiment != float32(sc) {
				ids, scores = append(ids, v.ID), append(scores, sc)
			}
		}
		if len(ids) == 0 {
			return nil
		}
		// RescoreSentiment's last write waits for the disk for every window before it.
		if _, err := tx.ExecContext(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE feedback f SET sentiment = u.s
			FROM unnest($1::bigint[], $2::real[]) AS u(id, s)
			WHERE f.id = u.id AND f.sentiment IS DISTINCT FROM u.s`, pq.Array(ids), pq.Array(scores))
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		changed = int(n)
		return nil
	})
	return changed, err
}

// ResetSentimentModel forgets everything the model learned (the voices it learned from were
// replaced), so it learns again from the rated reviews stored now. The voices stored now count as
// scored: they came with the sentiment their loader gave them (RescoreSentiment with all scores
// them again). LearnSentiment resets by itself when it finds the last review it learned replaced.
func (s *DB) ResetSentimentModel(ctx context.Context) error {
	return s.inTx(ctx, "reset sentiment model", func(tx *sqlx.Tx) error { return resetSentiment(ctx, tx) })
}

func resetSentiment(ctx context.Context, tx *sqlx.Tx) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM sentiment_features`); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE sentiment_model SET version = version + 1, negative_docs = 0, positive_docs = 0,
		negative_tokens = 0, positive_tokens = 0, learned_through = 0, learned_key = '',
		scored_through = COALESCE((SELECT max(id) FROM feedback), 0), updated_at = now()`)
	return err
}
