-- After a big import, intake scores the voices without a rating again with the sentiment model
-- learned from the import's rated reviews: on the 200,000-voice load (cmd/koe-importload) 50,000
-- of the voices just written get a new sentiment. sentiment is in no index (nor in any index's
-- condition), so that UPDATE is HOT — no new entry in any index, the GIN pieces' least of all —
-- whenever the row's page has room for its new version. With a tenth of each page free (00082)
-- only 34-35% of those updates were HOT; with a quarter, 79%: the UPDATE wrote 124 MB of WAL
-- instead of 171-198 MB and PostgreSQL's CPU for the first run fell from 38.6-39.3 s to
-- 32.8-35.2 s. The table is 8% larger (179 MB instead of 166 MB for the 200,000 voices).
-- Pages written before keep their layout until rewritten.

-- +goose Up
ALTER TABLE feedback SET (fillfactor = 75);

-- +goose Down
ALTER TABLE feedback SET (fillfactor = 90);
