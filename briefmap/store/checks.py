"""The one check of a change against the loader's rules, shared by the stores and the editor.

The edited records are put back among the rest, as the files would hold them,
and the whole is validated by the loader (:func:`briefmap.data.loader.assemble`,
:func:`briefmap.engine.briefings.briefings_of`): there is no second validator,
so what the editor accepts, the stores and ``python -m briefmap validate``
accept too. Two rules are the store's own: an edit's record keeps the edit's id,
and a place or source stays active while an active claim cites it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from briefmap.data.loader import LoadResult, assemble
from briefmap.data.schema import (
    CLAIMS_FILE,
    META_FILE,
    PLACES_FILE,
    RETIRED_FIELD,
    SOURCES_FILE,
)
from briefmap.data.validate import ValidationIssue, examples_text, short
from briefmap.engine.briefings import briefing_file, briefings_of
from briefmap.engine.state import SLUG
from briefmap.store.base import (
    RECORD_KINDS,
    WHY_FIELD,
    Edit,
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
) -> list[ValidationIssue]:
    """See :func:`briefmap.store.base.check_edits`.

    Every issue on an edited record is returned, and any new issue on another
    record (a claim that no longer validates because a source it cites
    changed); issues the other records had before are not the edits' fault.
    """
    issues: list[ValidationIssue] = []
    if why is not None and (not isinstance(why, str) or not why.strip()):
        issues.append(ValidationIssue(CHANGE, "-", WHY_FIELD, "say why: every change needs a note"))
    shape = _shape_issues(edits)
    if shape:
        return issues + shape
    after = with_edits(records, edits)
    issues += _still_cited(after, edits)
    old = before if before is not None else validated(records)
    new = validated(after)
    edited = {(kind_file(e.kind, e.id), e.id) for e in edits}
    known = set(old.issues)
    issues += [i for i in new.issues if (i.file, i.record) in edited or i not in known]
    if after.briefings and any(e.kind in ("briefing", "place") for e in edits):
        # A scene names places; only then can an edit break a briefing it does not edit.
        _, old_issues = validated_briefings(records, old)
        _, new_issues = validated_briefings(after, new)
        known_b = set(old_issues)
        issues += [i for i in new_issues if (i.file, i.record) in edited or i not in known_b]
    return issues
