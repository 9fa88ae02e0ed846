"""The one check of a change against the loader's rules, shared by the stores and the editor.

The edited records, and the records that depend on them (the active claims
citing an edited place or source, the briefings naming an edited place), are
validated by the loader's own code among the rest of the data as it was
validated (:func:`briefmap.data.part_records.assemble_part`,
:func:`briefmap.engine.briefings.briefings_of`): there is no second validator,
so what the editor accepts, the stores and ``python -m briefmap validate``
accept too, and an edit at 100,000 claims checks a few records, not all.
Two rules are the store's own: an edit's record keeps the edit's id, and a
place or source stays active while an active claim cites it.
The part checked is what a store patches its validated data with
(:mod:`briefmap.store.catalog_patch`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from briefmap.data.loader import LoadResult, assemble
from briefmap.data.meta import actor_ids_cited, read_meta
from briefmap.data.part_records import Surroundings, assemble_part
from briefmap.data.schema import (
    CLAIMS_FILE,
    META_FILE,
    PLACES_FILE,
    RETIRED_FIELD,
    SOURCES_FILE,
)
from briefmap.data.validate import (
    MAX_DEPTH,
    TEXT_LIMITS,
    Collector,
    ValidationIssue,
    depth_over,
    examples_text,
    real_day,
    short,
)
from briefmap.engine.briefings import briefing_file, briefings_of
from briefmap.engine.state import SLUG
from briefmap.store.base import (
    RECORD_KINDS,
    WHY_FIELD,
    Edit,
    Editor,
    RecordKind,
    StoredRecords,
    record_id,
    retired_on,
)

# The file each kind of record is reported in (a briefing's: briefings/<id>.json).
KIND_FILES: dict[RecordKind, str] = {
    "place": PLACES_FILE,
    "claim": CLAIMS_FILE,
    "source": SOURCES_FILE,
}
# Where the note a change needs is reported: no file holds it.
CHANGE = "change"
# A change's note is read in the audit trail as a claim's history note is: short
# text (a 50 MB note was written to changes.jsonl and read back on every start).
MAX_WHY = 2_000
# Who made a change: the shown name as long as a history entry's "editor"; the id
# holds an OpenID issuer's address and subject (at most 255 characters each).
MAX_EDITOR_NAME = TEXT_LIMITS["editor"]
MAX_EDITOR_ID = 600


def kind_file(kind: RecordKind, rid: str) -> str:
    """The file a record of this kind is reported in, as the loader names it."""
    return briefing_file(rid) if kind == "briefing" else KIND_FILES[kind]


def with_edits(records: StoredRecords, edits: Sequence[Edit]) -> StoredRecords:
    """The records as they would be after the edits (a new record comes last of its kind)."""
    changed: dict[RecordKind, dict[str, dict[str, Any]]] = {}
    for edit in edits:
        kind_records = changed.setdefault(edit.kind, dict(records.of(edit.kind)))
        kind_records[edit.id] = edit.record
    return StoredRecords(
        places=changed.get("place", records.places),
        claims=changed.get("claim", records.claims),
        sources=changed.get("source", records.sources),
        briefings=changed.get("briefing", records.briefings),
        meta=records.meta,
        as_of=records.as_of,
    )


def validated(records: StoredRecords) -> LoadResult:
    """The records validated as the loader validates a data folder holding them."""
    named = [
        (PLACES_FILE, {"type": "FeatureCollection", "features": list(records.places.values())}),
        (CLAIMS_FILE, _claims_payload(records)),
        (SOURCES_FILE, {"sources": list(records.sources.values())}),
    ]
    return assemble(named, meta=(META_FILE, records.meta))


def _claims_payload(records: StoredRecords) -> dict[str, Any]:
    payload: dict[str, Any] = {"claims": list(records.claims.values())}
    if records.as_of is not None:
        payload = {"as_of": records.as_of, **payload}
    return payload


def validated_briefings(
    records: StoredRecords, result: LoadResult
) -> tuple[dict[str, Any], list[ValidationIssue]]:
    """The records' briefings validated against their catalog, as ``load_briefings`` does."""
    return briefings_of(
        ((rid, record, ()) for rid, record in sorted(records.briefings.items())),
        result.catalog,
    )


def unstorable(value: str) -> str | None:
    r"""Why a text cannot be stored as it is, ``None`` when it can.

    A lone surrogate (a JSON ``\ud800`` escape) cannot be written as UTF-8: the files
    store would fail between writing a record and its audit line. PostgreSQL's
    text and jsonb hold no NUL character.
    """
    if "\x00" in value:
        return "holds a NUL character (U+0000), which no text may"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"holds a character that is not text (U+{ord(value[exc.start]):04X})"
    return None


def audit_issues(who: Editor | None, why: object) -> list[ValidationIssue]:
    """What is wrong with a change's note and its editor, before anything is written.

    Each is checked when given (not ``None``). An empty note is refused (field
    ``why``), as are a note over
    :data:`MAX_WHY` characters and an editor's name or id over its limit or
    holding what no store can keep (:func:`unstorable`).
    """
    issues: list[ValidationIssue] = []
    if why is None:
        pass
    elif not isinstance(why, str) or not why.strip():
        issues.append(ValidationIssue(CHANGE, "-", WHY_FIELD, "say why: every change needs a note"))
    else:
        problem = unstorable(why)
        if problem is None and len(why.strip()) > MAX_WHY:
            problem = f"is {len(why.strip()):,} characters long; at most {MAX_WHY:,}"
        if problem:
            issues.append(ValidationIssue(CHANGE, "-", WHY_FIELD, problem))
    if who is not None:
        for name, value, limit in (
            ("who", who.id, MAX_EDITOR_ID),
            ("who_name", who.name, MAX_EDITOR_NAME),
        ):
            if not isinstance(value, str) or (name == "who" and not value.strip()):
                problem = "a change needs its editor"
            else:
                problem = unstorable(value) or (
                    f"is {len(value):,} characters long; at most {limit:,}"
                    if len(value) > limit
                    else None
                )
            if problem:
                issues.append(ValidationIssue(CHANGE, "-", name, problem))
    return issues


def nesting_issues(edits: Sequence[Edit]) -> list[ValidationIssue]:
    """Records nested deeper than a data file may be (read without recursion).

    Checked before a record is copied or read: a list nested 5,000 deep made
    the save fail with Python's RecursionError instead of a refusal.
    """
    return [
        ValidationIssue(
            kind_file(e.kind, e.id) if e.kind in RECORD_KINDS and isinstance(e.id, str) else CHANGE,
            short(e.id, quote=False),
            "-",
            f"nests lists and objects more than {MAX_DEPTH} levels deep",
        )
        for e in edits
        if depth_over(e.record)
    ]


def _shape_issues(edits: Sequence[Edit]) -> list[ValidationIssue]:
    """What is wrong with the edits themselves, before their records are read."""
    issues: list[ValidationIssue] = []
    seen: set[tuple[str, str]] = set()
    for edit in edits:
        if edit.kind not in RECORD_KINDS:
            issues.append(
                ValidationIssue(
                    CHANGE, short(edit.id, quote=False), "kind", f"{short(edit.kind)} is no kind"
                )
            )
            continue
        file = KIND_FILES.get(edit.kind) or "briefings"
        rid = short(edit.id, quote=False)
        if not isinstance(edit.id, str) or not edit.id.strip():
            issues.append(ValidationIssue(file, rid, "id", "a record needs an id"))
            continue
        if edit.kind == "briefing" and not SLUG.fullmatch(edit.id):
            # The id names the briefing's file: nothing a path could be made of.
            issues.append(
                ValidationIssue(
                    file,
                    rid,
                    "id",
                    "use only letters, digits, '-' and '_' (at most 80), so a link can name it",
                )
            )
            continue
        file = kind_file(edit.kind, edit.id)
        if not isinstance(edit.record, dict):
            issues.append(ValidationIssue(file, rid, "-", "a record is a JSON object"))
            continue
        if depth_over(edit.record):
            issues += nesting_issues([edit])
            continue
        problem = unstorable(edit.id)
        if problem:
            issues.append(ValidationIssue(file, rid, "id", problem))
            continue
        if (edit.kind, edit.id) in seen:
            issues.append(ValidationIssue(file, rid, "id", "is changed twice in one save"))
        seen.add((edit.kind, edit.id))
        own = record_id(edit.kind, edit.record)
        if own != edit.id:
            where = "properties.id" if edit.kind == "place" else "id"
            issues.append(
                ValidationIssue(
                    file,
                    rid,
                    where,
                    f"is {short(own)}, not {short(edit.id)}: a record keeps its id "
                    "(for a new id, add a record and retire this one)",
                )
            )
    return issues


def _still_cited(after: StoredRecords, edits: Sequence[Edit]) -> list[ValidationIssue]:
    """A place or source retired by these edits while an active claim cites it."""
    retiring = {
        (e.kind, e.id)
        for e in edits
        if e.kind in ("place", "source") and retired_on(e.kind, e.record) is not None
    }
    if not retiring:
        return []
    citing: dict[tuple[str, str], list[str]] = {}
    for cid, claim in after.claims.items():
        if not isinstance(claim, dict) or retired_on("claim", claim) is not None:
            continue
        cited_places = [*_texts(claim.get("places")), *_texts([claim.get("origin")])]
        for pid in cited_places:
            if ("place", pid) in retiring:
                citing.setdefault(("place", pid), []).append(cid)
        for sid in _texts(claim.get("sources")):
            if ("source", sid) in retiring:
                citing.setdefault(("source", sid), []).append(cid)
    issues = []
    for (kind, rid), claims in citing.items():
        claims = sorted(set(claims))
        issues.append(
            ValidationIssue(
                KIND_FILES[kind],  # type: ignore[index]
                rid,
                RETIRED_FIELD,
                f"active claim(s) {examples_text(claims[:3], len(claims))} cite it: "
                "change or retire them first",
            )
        )
    return issues


def _texts(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def edit_issues(
    records: StoredRecords,
    edits: Sequence[Edit],
    *,
    why: str | None = None,
    before: LoadResult | None = None,
    who: Editor | None = None,
) -> list[ValidationIssue]:
    """See :func:`briefmap.store.base.check_edits`.

    Every issue on an edited record is returned, and any new issue on another
    record (a claim that no longer validates because a source it cites
    changed); issues the other records had before are not the edits' fault.
    """
    return checked_edits(records, edits, why=why, before=before, who=who).issues


@dataclass(frozen=True)
class CheckedEdits:
    """What :func:`checked_edits` found: the issues, and the part it validated to find them."""

    issues: list[ValidationIssue]
    # The edited records and the claims depending on them, validated among the rest;
    # None when the edits were refused before their records were read.
    part: LoadResult | None = None
    before: LoadResult | None = None


def checked_edits(
    records: StoredRecords,
    edits: Sequence[Edit],
    *,
    why: str | None = None,
    before: LoadResult | None = None,
    who: Editor | None = None,
) -> CheckedEdits:
    """:func:`edit_issues`, with the validated part a store patches its catalog with."""
    issues: list[ValidationIssue] = []
    issues += audit_issues(who, why)
    shape = _shape_issues(edits)
    if shape:
        return CheckedEdits(issues + shape)
    after = with_edits(records, edits)
    issues += _still_cited(after, edits)
    old = before if before is not None else validated(records)
    edited = {(kind_file(e.kind, e.id), e.id) for e in edits}
    known = set(old.issues)
    part = _part(after, edits)
    checked = assemble_part(part, _surroundings(records, part, old))
    issues += [i for i in checked.issues if (i.file, i.record) in edited or i not in known]
    issues += _briefing_issues(records, after, edits, old, checked, edited)
    return CheckedEdits(issues, checked, old)


def ids_of(edits: Sequence[Edit], kind: RecordKind) -> set[str]:
    """The ids of the edited records of one kind."""
    return {e.id for e in edits if e.kind == kind}


def _part(after: StoredRecords, edits: Sequence[Edit]) -> list[tuple[str, Any]]:
    """The payloads to check: the edited records, and the active claims citing an edited one."""
    places, sources = ids_of(edits, "place"), ids_of(edits, "source")
    claims = ids_of(edits, "claim")
    if places or sources:
        for cid, claim in after.claims.items():
            if cid in claims or retired_on("claim", claim) is not None:
                continue
            cited_places = {*_texts(claim.get("places")), *_texts([claim.get("origin")])}
            if cited_places & places or set(_texts(claim.get("sources"))) & sources:
                claims.add(cid)
    return [
        (
            PLACES_FILE,
            {"type": "FeatureCollection", "features": [after.places[i] for i in sorted(places)]},
        ),
        (CLAIMS_FILE, {"claims": [after.claims[i] for i in after.claims if i in claims]}),
        (SOURCES_FILE, {"sources": [after.sources[i] for i in sorted(sources)]}),
    ]


def _ids_in(payload: dict[str, Any], key: str, kind: RecordKind) -> set[str]:
    return {rid for item in payload[key] if isinstance(rid := record_id(kind, item), str)}


def _retired_ids(kind: RecordKind, records: dict[str, dict[str, Any]]) -> set[str]:
    return {rid for rid, record in records.items() if real_day(retired_on(kind, record))}


def _surroundings(
    before: StoredRecords, part: list[tuple[str, Any]], old: LoadResult
) -> Surroundings:
    """The rest of the data as the records are checked against it (as :func:`assemble` would)."""
    given = read_meta(before.meta, Collector(META_FILE))  # its own issues are not the edits'
    if given.actors is not None:
        actor_ids = tuple(a.id for a in given.actors)
    else:
        # Without a list of actors, the ids the data cites are its actors: every id
        # the part cites is among them, and only the part's are checked.
        (_, _), (_, claims), (_, sources) = part
        actor_ids = tuple(sorted(actor_ids_cited(claims, sources)))
    return Surroundings(
        region=given.region,
        actor_ids=actor_ids,
        places=old.catalog.places,
        sources=old.catalog.sources,
        known_place_ids=set(before.places) | _ids_in(part[0][1], "features", "place"),
        known_source_ids=set(before.sources) | _ids_in(part[2][1], "sources", "source"),
        retired_place_ids=_retired_ids("place", before.places),
        retired_source_ids=_retired_ids("source", before.sources),
    )


def _briefing_issues(
    before: StoredRecords,
    after: StoredRecords,
    edits: Sequence[Edit],
    old: LoadResult,
    checked: LoadResult,
    edited: set[tuple[str, str]],
) -> list[ValidationIssue]:
    """The edited briefings' issues, and those an edited place gives a briefing naming it."""
    places = ids_of(edits, "place")
    wanted = {
        bid
        for bid, record in after.briefings.items()
        if bid in ids_of(edits, "briefing") or (places and _names_any(record, places))
    }
    if not wanted:
        return []
    catalog = old.catalog
    if places or ids_of(edits, "claim") or ids_of(edits, "source"):
        part = checked.catalog
        changed = {
            "places": (places, part.places, catalog.places),
            "claims": (ids_of(edits, "claim"), part.claims, catalog.claims),
            "sources": (ids_of(edits, "source"), part.sources, catalog.sources),
        }
        catalog = replace(
            catalog,
            **{
                name: {**{k: v for k, v in rest.items() if k not in ids}, **valid}
                for name, (ids, valid, rest) in changed.items()
            },
        )
    old_subset = {k: v for k, v in before.briefings.items() if k in wanted}
    new_subset = {k: v for k, v in after.briefings.items() if k in wanted}
    _, old_issues = briefings_of(((k, v, ()) for k, v in sorted(old_subset.items())), old.catalog)
    _, new_issues = briefings_of(((k, v, ()) for k, v in sorted(new_subset.items())), catalog)
    known = set(old_issues)
    return [i for i in new_issues if (i.file, i.record) in edited or i not in known]


def _names_any(record: Any, place_ids: set[str]) -> bool:
    """Whether a raw briefing's scenes highlight any of these places."""
    scenes = record.get("scenes") if isinstance(record, dict) else None
    for scene in scenes if isinstance(scenes, list) else []:
        if isinstance(scene, dict) and set(_texts(scene.get("highlight"))) & place_ids:
            return True
    return False
