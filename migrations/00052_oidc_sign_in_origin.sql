-- Where an OpenID Connect sign-in was started from (an IPv4 address, or an IPv6 /64), so that
-- one origin can keep only so many unfinished sign-ins at a time: starting one is anonymous and
-- keeps a row for ten minutes. Rows from before have none ('') and expire within those minutes.

-- +goose Up
ALTER TABLE oidc_sign_ins ADD COLUMN origin text NOT NULL DEFAULT '';
CREATE INDEX oidc_sign_ins_origin ON oidc_sign_ins (origin, expires_at);

-- +goose Down
DROP INDEX oidc_sign_ins_origin;
ALTER TABLE oidc_sign_ins DROP COLUMN origin;
