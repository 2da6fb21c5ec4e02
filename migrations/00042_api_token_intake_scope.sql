-- An intake-only API token: it may post voices (a website widget, a form) and read nothing —
-- not the voices, not the accounts and their MRR.

-- +goose Up
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_scope_check;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_scope_check CHECK (scope IN ('read', 'write', 'intake'));

-- +goose Down
DELETE FROM api_tokens WHERE scope = 'intake';
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_scope_check;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_scope_check CHECK (scope IN ('read', 'write'));
