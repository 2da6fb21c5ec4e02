-- Exchange rates to the base currency (KOE_CURRENCY), with the date each holds from: a sum of
-- money in several currencies uses, per currency, its latest rate. A rate is kept per base, so
-- changing KOE_CURRENCY never reads rates to another base as if they were to the new one.
-- Setting a rate again on the same day replaces it; older dates stay as the record.

-- +goose Up
CREATE TABLE exchange_rates (
    base     text NOT NULL CHECK (base ~ '^[A-Z]{3}$'),
    currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$' AND currency <> base),
    rate_on  date NOT NULL,
    rate     double precision NOT NULL CHECK (rate > 0),
    set_by   text NOT NULL,
    set_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (base, currency, rate_on)
);

-- +goose Down
DROP TABLE exchange_rates;
