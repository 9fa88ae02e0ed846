-- Briefmap's team store (issue 27): the records, their revisions, the audit trail.
--
-- Plain SQL, run in order by briefmap/store/migrate.py (each file once, in
-- one transaction, recorded in schema_migrations). No ORM and no Alembic: the
-- store has no model classes to generate SQL from; it keeps the data files' own
-- records as json and validates them with the loader's code, so this SQL *is*
-- the schema, read as it runs.
--
-- Each record is kept whole, exactly as the files hold it: json, not jsonb, which
-- would reorder its keys (an export then writes each record as it came). What
-- PostgreSQL needs to query by (a place's geometry, a claim's reported day,
-- whether a record is retired) is computed from the record by the database
-- itself, so it can never disagree with the record.

-- A GeoJSON geometry as PostGIS geometry in WGS 84, or NULL when PostGIS cannot
-- read it: the store holds what the files hold, and a record the loader refuses
-- (kept so an editor can fix it) must not make its row unstorable.
CREATE FUNCTION briefmap_geometry(geojson json) RETURNS geometry
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    IF geojson IS NULL OR json_typeof(geojson) <> 'object' THEN
        RETURN NULL;
    END IF;
    RETURN ST_SetSRID(ST_GeomFromGeoJSON(geojson::text), 4326);
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END;
$$;

-- An ISO day "YYYY-MM-DD" as a date, or NULL for anything else (immutable,
-- unlike a cast, whose reading depends on the session's DateStyle).
CREATE FUNCTION briefmap_day(value text) RETURNS date
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    IF value IS NULL OR value !~ '^\d{4}-\d{2}-\d{2}$' THEN
        RETURN NULL;
    END IF;
    RETURN make_date(substr(value, 1, 4)::int, substr(value, 6, 2)::int, substr(value, 9, 2)::int);
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END;
$$;

-- "position" keeps each kind's records in the order the files had them, so an
-- export writes them back in that order (a new record goes last).
CREATE TABLE places (
    id text PRIMARY KEY,
    position bigserial NOT NULL,
    record json NOT NULL,
    revision integer NOT NULL CHECK (revision > 0),
    retired text GENERATED ALWAYS AS (record -> 'properties' ->> 'retired') STORED,
    geom geometry(Geometry, 4326) GENERATED ALWAYS AS (briefmap_geometry(record -> 'geometry')) STORED
);
CREATE INDEX places_geom ON places USING gist (geom);

CREATE TABLE claims (
    id text PRIMARY KEY,
    position bigserial NOT NULL,
    record json NOT NULL,
    revision integer NOT NULL CHECK (revision > 0),
    retired text GENERATED ALWAYS AS (record ->> 'retired') STORED,
    reported date GENERATED ALWAYS AS (briefmap_day(record ->> 'reported')) STORED
);
CREATE INDEX claims_reported ON claims (reported);

-- Which places each claim names, for a query by area: kept by the trigger
-- below from the claim's own "places", never written by hand.
CREATE TABLE claim_places (
    claim_id text NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    place_id text NOT NULL,
    PRIMARY KEY (claim_id, place_id)
);
CREATE INDEX claim_places_place ON claim_places (place_id);

CREATE FUNCTION briefmap_claim_places() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM claim_places WHERE claim_id = NEW.id;
    IF json_typeof(NEW.record -> 'places') = 'array' THEN
        INSERT INTO claim_places (claim_id, place_id)
        SELECT DISTINCT NEW.id, value #>> '{}'
        FROM json_array_elements(NEW.record -> 'places')
        WHERE json_typeof(value) = 'string';
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER claims_places AFTER INSERT OR UPDATE OF record ON claims
FOR EACH ROW EXECUTE FUNCTION briefmap_claim_places();

CREATE TABLE sources (
    id text PRIMARY KEY,
    position bigserial NOT NULL,
    record json NOT NULL,
    revision integer NOT NULL CHECK (revision > 0),
    retired text GENERATED ALWAYS AS (record ->> 'retired') STORED
);

CREATE TABLE briefings (
    id text PRIMARY KEY,
    position bigserial NOT NULL,
    record json NOT NULL,
    revision integer NOT NULL CHECK (revision > 0),
    retired text GENERATED ALWAYS AS (record ->> 'retired') STORED
);

-- The data set's briefmap.json (NULL: there is none) and claims.json's as_of:
-- one row, read-only through the store for now (an import sets them).
CREATE TABLE meta (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    meta json,
    as_of text
);
INSERT INTO meta DEFAULT VALUES;

-- The audit trail: one row per change to one record, never updated or deleted.
-- seq is given by the save (1, 2, ... with no gaps: saves are serialised by the
-- store_version row's lock), not by a sequence, whose values a rolled-back
-- save would skip. "at" is the text the entry was written with (UTC,
-- "2026-12-07T23:50:01Z"), kept as text so an import and an export give back
-- the very bytes of changes.jsonl.
CREATE TABLE audit (
    seq bigint PRIMARY KEY CHECK (seq > 0),
    at text NOT NULL,
    who text NOT NULL,
    who_name text NOT NULL,
    why text NOT NULL CHECK (why <> ''),
    kind text NOT NULL CHECK (kind IN ('place', 'claim', 'source', 'briefing')),
    record_id text NOT NULL,
    revision integer NOT NULL,
    before json,
    after json NOT NULL,
    undoes bigint REFERENCES audit (seq)
);
CREATE INDEX audit_record ON audit (kind, record_id, seq);

-- The data's version: one row, bumped in the same transaction as every change,
-- so a server's cheap check (SELECT version FROM store_version) sees a save as
-- soon as it commits. Every save locks this row first: saves are serialised,
-- so each is checked against the data as the one before left it.
-- store_id tells this database from another whose counter has reached the same
-- number (a server's caches are keyed on both). generation moves when the
-- records are replaced wholesale (an import): a server then reads them all
-- again instead of patching its copy with the audit trail's new entries.
CREATE TABLE store_version (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    store_id uuid NOT NULL DEFAULT gen_random_uuid(),
    version bigint NOT NULL DEFAULT 0,
    generation bigint NOT NULL DEFAULT 0,
    changed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO store_version DEFAULT VALUES;
