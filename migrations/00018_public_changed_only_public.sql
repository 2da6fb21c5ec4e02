-- public_changed_at moves only when something the world sees changes: a private request's status
-- or wording is not news to the public pages (it emptied their cache and woke the sheets sync).

-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION requests_public_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.is_public OR OLD.is_public)
        AND (NEW.public_title, NEW.public_description, NEW.public_note, NEW.status, NEW.is_public, NEW.merged_into)
        IS DISTINCT FROM (OLD.public_title, OLD.public_description, OLD.public_note, OLD.status, OLD.is_public, OLD.merged_into) THEN
        NEW.public_changed_at := now();
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION requests_public_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.public_title, NEW.public_description, NEW.public_note, NEW.status, NEW.is_public, NEW.merged_into)
        IS DISTINCT FROM (OLD.public_title, OLD.public_description, OLD.public_note, OLD.status, OLD.is_public, OLD.merged_into) THEN
        NEW.public_changed_at := now();
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
