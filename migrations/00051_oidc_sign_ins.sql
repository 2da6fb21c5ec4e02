-- An OpenID Connect sign-in under way: what the browser was sent to the provider with, kept
-- until it comes back (at most ten minutes), so that any replica can finish it and a state is
-- taken once. The state itself is never kept, only its hash; the nonce and the PKCE verifier are
-- useless without the provider's code, which only the browser receives.

-- +goose Up
CREATE TABLE oidc_sign_ins (
    state_hash    bytea PRIMARY KEY,
    provider      text NOT NULL,
    purpose       text NOT NULL CHECK (purpose IN ('staff', 'customer')),
    nonce         text NOT NULL,
    code_verifier text NOT NULL,
    lang          text NOT NULL DEFAULT '',
    expires_at    timestamptz NOT NULL
);
CREATE INDEX oidc_sign_ins_expires_at ON oidc_sign_ins (expires_at);

-- +goose Down
DROP TABLE oidc_sign_ins;
