-- The feedback sheet in Google Sheets: for each voice Koe has written there, what it wrote (a
-- hash of its cells, and the editable cells as text) and the voice's version (updated_at) then.
-- A cell that differs from what Koe wrote is a person's edit; a voice changed in Koe since its
-- version wins over an edit made in the sheet meanwhile.

-- +goose Up
CREATE TABLE sheet_rows (
    spreadsheet_id text        NOT NULL,
    feedback_id    bigint      NOT NULL REFERENCES feedback (id) ON DELETE CASCADE,
    hash           bytea       NOT NULL,
    edit           jsonb       NOT NULL,
    version        timestamptz NOT NULL,
    pushed_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (spreadsheet_id, feedback_id)
);

-- +goose Down
DROP TABLE sheet_rows;
