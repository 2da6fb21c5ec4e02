-- Saved views belong to a page: the feedback sheet's (as before) or the ranked backlog's. A name
-- is one view per user and page, so "Enterprise churn" may exist on both.

-- +goose Up
ALTER TABLE saved_views ADD COLUMN page text NOT NULL DEFAULT 'feedback' CHECK (page IN ('feedback', 'backlog'));
ALTER TABLE saved_views DROP CONSTRAINT saved_views_user_id_name_key;
ALTER TABLE saved_views ADD CONSTRAINT saved_views_user_page_name_key UNIQUE (user_id, page, name);

-- +goose Down
DELETE FROM saved_views WHERE page <> 'feedback';
ALTER TABLE saved_views DROP CONSTRAINT saved_views_user_page_name_key;
ALTER TABLE saved_views ADD CONSTRAINT saved_views_user_id_name_key UNIQUE (user_id, name);
ALTER TABLE saved_views DROP COLUMN page;
