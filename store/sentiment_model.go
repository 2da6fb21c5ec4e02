package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
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

// rescoreChunk is how many voices of a batch are scored before their UPDATE is sent; the next
// chunk is scored while it runs.
const rescoreChunk = 250

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
// rescoring — or for all of them when all is set (a model that learned much since) — and returns
// how many changed. Each batch is a transaction of its own that holds the model's row, so
// replicas take turns and a long rescoring never keeps voices locked for long; what it did stays
// done when it fails halfway. A voice whose words an edit changed later was scored by the rules
// again when stored, and is scored with the model again only with all: finding edited voices
// would read the whole table at every intake.
func (s *DB) RescoreSentiment(ctx context.Context, all bool, score func(UnratedVoice) float64) (changed int, err error) {
	last := int64(0)
	for {
		n, next, err := s.rescoreBatch(ctx, all, last, score)
		changed += n
		if err != nil || next == 0 {
			return changed, err
		}
		last = next
	}
}

// rescoreBatch rescores the next batch of voices without a rating after the voice after (and,
// unless all, after the last voice scored), and returns how many changed and the last voice it
// read: 0 when there was none.
func (s *DB) rescoreBatch(ctx context.Context, all bool, after int64, score func(UnratedVoice) float64) (changed int, last int64, err error) {
	err = s.inTx(ctx, "rescore sentiment", func(tx *sqlx.Tx) error {
		var through int64
		if err := tx.GetContext(ctx, &through, `SELECT scored_through FROM sentiment_model FOR UPDATE`); err != nil {
			return err
		}
		if !all {
			after = max(after, through)
		}
		// The next voices by id, rated ones too (skipped here): with rating IS NULL in the
		// query, a table with no statistics yet (right after a big import) was read whole for
		// every batch, the planner taking the condition to leave a few rows.
		var window []struct {
			UnratedVoice
			Rated     bool     `db:"rated"`
			Sentiment *float32 `db:"sentiment"`
		}
		if err := tx.SelectContext(ctx, &window, `SELECT id, rating IS NOT NULL AS rated, sentiment,
			CASE WHEN rating IS NULL THEN title || E'\n' || body ELSE '' END AS text
			FROM feedback WHERE id > $1 ORDER BY id LIMIT $2`, after, sentimentBatch); err != nil {
			return err
		}
		if len(window) == 0 {
			return nil // committed normally: its flush makes the batches before it durable
		}
		// The last transaction of a rescoring finds no voices and commits normally, flushing
		// the WAL of every batch before it; a crash before that loses batches together with
		// the scored_through they moved, so they are scored again. None waits for the disk.
		if _, err := tx.ExecContext(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
			return err
		}
		// The window is scored a chunk at a time, and each chunk's UPDATE runs in PostgreSQL
		// while the next chunk is scored here: scoring (this process) and writing (the server)
		// overlap instead of taking turns. Only the voices whose stored score (a real) changes
		// are sent.
		var (
			pending chan error // the UPDATE in flight, if any
			n       int64      // rows it changed, read once pending has answered
		)
		wait := func() error {
			if pending == nil {
				return nil
			}
			err := <-pending
			pending = nil
			changed += int(n)
			return err
		}
		for lo := 0; lo < len(window); lo += rescoreChunk {
			ids, scores := make([]int64, 0, rescoreChunk), make([]float64, 0, rescoreChunk)
			for _, v := range window[lo:min(lo+rescoreChunk, len(window))] {
				if v.Rated {
					continue
				}
				sc := score(v.UnratedVoice)
				if v.Sentiment == nil || *v.Sentiment != float32(sc) {
					ids, scores = append(ids, v.ID), append(scores, sc)
				}
			}
			if err := wait(); err != nil {
				return err
			}
			if len(ids) == 0 {
				continue
			}
			pending = make(chan error, 1)
			go func() {
				res, err := tx.ExecContext(ctx, `UPDATE feedback f SET sentiment = u.s
					FROM unnest($1::bigint[], $2::real[]) AS u(id, s)
					WHERE f.id = u.id AND f.sentiment IS DISTINCT FROM u.s`, pq.Array(ids), pq.Array(scores))
				if err == nil {
					n, _ = res.RowsAffected()
				}
				pending <- err
			}()
		}
		if err := wait(); err != nil {
			return err
		}
		last = window[len(window)-1].ID
		_, err := tx.ExecContext(ctx, `UPDATE sentiment_model SET scored_through = GREATEST(scored_through, $1)`, last)
		return err
	})
	if err != nil {
		return 0, 0, err
	}
	return changed, last, nil
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
