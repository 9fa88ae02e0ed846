-- Which places a claim names, as one function: the claims' trigger uses it for
-- a claim saved, and an import (db import) for every claim at once, with the
-- trigger off while it copies them in (a row-by-row trigger made an import of
-- 100,000 claims several times slower).
CREATE FUNCTION briefmap_claim_place_ids(record json) RETURNS SETOF text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT DISTINCT value #>> '{}'
    FROM json_array_elements(
        CASE WHEN json_typeof(record -> 'places') = 'array' THEN record -> 'places' END
    )
    WHERE json_typeof(value) = 'string'
$$;

CREATE OR REPLACE FUNCTION briefmap_claim_places() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM claim_places WHERE claim_id = NEW.id;
    INSERT INTO claim_places (claim_id, place_id)
    SELECT NEW.id, place_id FROM briefmap_claim_place_ids(NEW.record) AS place_id;
    RETURN NULL;
END;
$$;
