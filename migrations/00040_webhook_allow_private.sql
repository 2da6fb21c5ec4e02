-- A webhook may reach a receiver on the internal network (loopback, private, link-local) only
-- when it was added with --allow-private; deliveries check every address they dial. Webhooks
-- added before this check keep working as they did: they are marked allowed, and an admin can
-- re-add them without the flag.

-- +goose Up
ALTER TABLE webhooks ADD COLUMN allow_private boolean NOT NULL DEFAULT false;
UPDATE webhooks SET allow_private = true;

-- +goose Down
ALTER TABLE webhooks DROP COLUMN allow_private;
