-- A sign-in link opens one door: a customer's page or the staff dashboard. A link mailed for one
-- must not be spent at the other, even for the same address.

-- +goose Up
ALTER TABLE sign_in_links ADD COLUMN purpose text NOT NULL DEFAULT 'customer' CHECK (purpose IN ('customer', 'staff'));

-- +goose Down
DELETE FROM sign_in_links WHERE purpose <> 'customer';
ALTER TABLE sign_in_links DROP COLUMN purpose;
