-- A user's language is any language of the catalog (locale/translations), which the dashboard
-- checks before saving it; the table keeps only the shape of a language tag, so adding a
-- language is adding its file, with no migration.

-- +goose Up
ALTER TABLE users DROP CONSTRAINT users_locale_check;
ALTER TABLE users ADD CONSTRAINT users_locale_check CHECK (locale ~ '^([a-z]{2,3}(-[A-Za-z0-9]{1,8})*)?$');

-- +goose Down
UPDATE users SET locale = '' WHERE locale NOT IN ('', 'ja', 'en');
ALTER TABLE users DROP CONSTRAINT users_locale_check;
ALTER TABLE users ADD CONSTRAINT users_locale_check CHECK (locale IN ('', 'ja', 'en'));
