-- The sentiment model learned from the customer's rated reviews (textproc.Model): naive Bayes
-- counts, which only ever add, so replicas add their learning without losing each other's.
-- Derived data: it is left out of backups and relearned from the rated reviews after an import.

-- +goose Up
-- sentiment_model is its one row: how many negative and positive reviews it learned, how many
-- feature occurrences of each, the newest review learned (feedback.id, and its source's key, which
-- tells when the voices were replaced and their ids began again) and the version every change
-- increases, so replicas know to reload it; scored_through, the newest voice without a rating
-- scored with it.
CREATE TABLE sentiment_model (
    id              int         PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    version         bigint      NOT NULL DEFAULT 0,
    negative_docs   bigint      NOT NULL DEFAULT 0,
    positive_docs   bigint      NOT NULL DEFAULT 0,
    negative_tokens bigint      NOT NULL DEFAULT 0,
    positive_tokens bigint      NOT NULL DEFAULT 0,
    learned_through bigint      NOT NULL DEFAULT 0,
    learned_key     text        NOT NULL DEFAULT '',
    scored_through  bigint      NOT NULL DEFAULT 0,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
INSERT INTO sentiment_model DEFAULT VALUES;

-- sentiment_features are, by hashed feature id (never the words themselves), how many negative
-- and positive reviews had the feature.
CREATE TABLE sentiment_features (
    feature  int    PRIMARY KEY CHECK (feature >= 0),
    negative bigint NOT NULL DEFAULT 0,
    positive bigint NOT NULL DEFAULT 0
);

-- Learning reads the rated reviews stored after the last one learned; without this index it would
-- walk every chat and mail stored since, at every intake.
CREATE INDEX feedback_rated_idx ON feedback (id) WHERE rating IS NOT NULL;

-- +goose Down
DROP INDEX feedback_rated_idx;
DROP TABLE sentiment_features;
DROP TABLE sentiment_model;
