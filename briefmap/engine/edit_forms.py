"""The editor's forms as records: what a briefer typed, as the files' own raw records.

Pure: no Streamlit. The editor page (``briefmap/app/editor.py``) fills a draft
from its widgets, these functions turn it into the raw record a store saves
(exactly what ``claims.json``, ``places.geojson`` and ``sources.json`` hold;
a briefing's scenes are :mod:`briefmap.engine.edit_scenes`'), and the store's ``check_edits`` judges it with the
loader's own rules. The few rules here are the editor's own, stricter than the
files': a new place's precise pin needs a source, and a change of status or
posture becomes a dated history entry with its note, sources and editor.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from briefmap.data.schema import (
    CLAIM_FIELDS,
    PLACE_FIELDS,
    RETIRED_FIELD,
    SOURCE_FIELDS,
    Catalog,
    ClaimStatus,
    Posture,
    Precision,
    Role,
)
from briefmap.data.validate import ValidationIssue
from briefmap.engine.interaction import MapClick, place_at

# Where the editor's own issues are said to be: the field's file, as the loader's are.
CLAIMS_FILE_NAME = "claims.json"
PLACES_FILE_NAME = "places.geojson"
# The form fields a change of status or posture adds (shown beside them).
CHANGE_DATE = "history.date"
CHANGE_NOTE = "history.note"
CHANGE_SOURCES = "history.sources"
POSITION_SOURCE = "position_source"  # a new place's source for its position
# Decimal places a pin keeps: a site is good to a few hundred metres at best
# (schema.PRECISION_DEFINITIONS); 5 places is about a metre.
PIN_DECIMALS = 5
# Decimal places a pin clicked on the map keeps, by the place's precision: a
# click claims no more than the precision does (schema.PRECISION_DEFINITIONS).
# 0.001 degrees is about 110 m (a site, to within a few hundred metres), 0.01
# about 1 km (somewhere in a town), 0.1 about 11 km (an approximate region).
CLICK_DECIMALS = {Precision.SITE: 3, Precision.TOWN: 2, Precision.REGION: 1}


@dataclass(frozen=True)
class HistoryChange:
    """What the editor says about a change of status or posture: when, why, on what sources."""

    date: str
    note: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClaimDraft:
    """A claim's form: every field the schema has, as the widgets hold them."""

    id: str
    places: tuple[str, ...]
    actors: tuple[str, ...]
    claimant: str
    status: ClaimStatus
    posture: Posture
    reported: str
    summary: str
    attribution: str
    sources: tuple[str, ...]
    role: Role = Role.REPORT
    origin: str | None = None
    origin_source: str | None = None
    origin_note: str | None = None

    @classmethod
    def of(cls, record: Mapping[str, Any]) -> ClaimDraft:
        """The form for a raw claim record (unknown values kept as text, for the check to name)."""

        def texts(name: str) -> tuple[str, ...]:
            value = record.get(name)
            return tuple(str(v) for v in value) if isinstance(value, list) else ()

        def text(name: str) -> str:
            value = record.get(name)
            return "" if value is None else str(value)

        return cls(
            id=text("id"),
            places=texts("places"),
            actors=texts("actors"),
            claimant=text("claimant"),
            status=_member(ClaimStatus, record.get("status"), ClaimStatus.UNVERIFIED),
            posture=_member(Posture, record.get("posture"), Posture.CURRENT),
            reported=text("reported"),
            summary=text("summary"),
            attribution=text("attribution"),
            sources=texts("sources"),
            role=_member(Role, record.get("role"), Role.REPORT),
            origin=record.get("origin") or None,
            origin_source=record.get("origin_source") or None,
            origin_note=record.get("origin_note") or None,
        )


def _member(vocab: Any, value: Any, default: Any) -> Any:
    try:
        return vocab(value)
    except ValueError:
        return default


def _trimmed(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def status_changed(before: Mapping[str, Any] | None, draft: ClaimDraft) -> bool:
    """The draft changes the stored claim's status or posture (a history entry is due)."""
    if before is None:
        return False
    return (before.get("status"), before.get("posture")) != (
        draft.status.value,
        draft.posture.value,
    )


def _history_so_far(before: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The stored claim's history, or the one entry it stands for: as reported."""
    history = before.get("history")
    if isinstance(history, list) and history:
        return [dict(entry) if isinstance(entry, dict) else entry for entry in history]
    return [
        {
            "date": before.get("reported"),
            "status": before.get("status"),
            "posture": before.get("posture"),
        }
    ]


def claim_record(
    draft: ClaimDraft,
    before: Mapping[str, Any] | None,
    *,
    change: HistoryChange | None = None,
    editor_name: str | None = None,
) -> dict[str, Any]:
    """The raw claim record a draft saves as.

    Fields the draft does not hold (a ``retired`` day) are kept from ``before``.
    When the status or posture moves, ``change`` becomes a new history entry
    (date, note, sources, the editor's name), after the history the claim had
    or, when it had none, after an entry for the claim as reported, as the
    loader asks.
    """
    record: dict[str, Any] = {
        "id": draft.id.strip(),
        "places": list(draft.places),
        "actors": list(draft.actors),
        "claimant": draft.claimant.strip(),
        "status": draft.status.value,
        "posture": draft.posture.value,
        "reported": draft.reported.strip(),
        "summary": draft.summary.strip(),
        "attribution": draft.attribution.strip(),
        "sources": list(draft.sources),
    }
    if draft.role is not Role.REPORT or (before and "role" in before):
        record["role"] = draft.role.value
    for name in ("origin", "origin_source", "origin_note"):
        value = _trimmed(getattr(draft, name))
        if value is not None:
            record[name] = value
    if before is not None:
        if before.get("history") is not None:
            record["history"] = before["history"]
        if "ended" in before and not status_changed(before, draft):
            record["ended"] = before["ended"]
        for key, value in before.items():  # a retired day, and anything this form does not know
            if key not in CLAIM_FIELDS and key not in record:
                record[key] = value
    if before is not None and status_changed(before, draft):
        history = _history_so_far(before) if "ended" not in before else _ended_as_history(before)
        entry: dict[str, Any] = {"date": (change.date if change else "").strip()}
        if draft.status.value != before.get("status"):
            entry["status"] = draft.status.value
        if draft.posture.value != before.get("posture"):
            entry["posture"] = draft.posture.value
        if change and change.note.strip():
            entry["note"] = change.note.strip()
        if change and change.sources:
            entry["sources"] = list(change.sources)
        if editor_name:
            entry["editor"] = editor_name
        record["history"] = [*history, entry]
        record.pop("ended", None)
    return record


def _ended_as_history(before: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A claim written with ``ended`` (current, then former on that day) as history entries."""
    return [
        {"date": before.get("reported"), "status": before.get("status"), "posture": "current"},
        {"date": before.get("ended"), "posture": "former"},
    ]


def change_issues(
    draft: ClaimDraft, before: Mapping[str, Any] | None, change: HistoryChange | None
) -> list[ValidationIssue]:
    """The editor's own rules for a change of status or posture: a date, a note, sources.

    The loader asks for the date and the sources; the note is the editor's
    (what the map's history says about the change).
    """
    if not status_changed(before, draft):
        return []
    rid = draft.id or "-"
    issues = []
    if change is None or not change.date.strip():
        issues.append(
            ValidationIssue(
                CLAIMS_FILE_NAME,
                rid,
                CHANGE_DATE,
                "a change of status or posture needs the day it happened (YYYY-MM-DD)",
            )
        )
    if change is None or not change.note.strip():
        issues.append(
            ValidationIssue(CLAIMS_FILE_NAME, rid, CHANGE_NOTE, "say in a line what changed")
        )
    if change is None or not change.sources:
        issues.append(
            ValidationIssue(
                CLAIMS_FILE_NAME,
                rid,
                CHANGE_SOURCES,
                "name the sources that report the change (among the claim's own)",
            )
        )
    return issues


def retire_record(record: Mapping[str, Any], day: str, *, place: bool = False) -> dict[str, Any]:
    """A copy of the record retired on ``day`` (a place's mark is in its properties)."""
    if place:
        return {**record, "properties": {**record.get("properties", {}), RETIRED_FIELD: day}}
    return {**record, RETIRED_FIELD: day}


def restore_record(record: Mapping[str, Any], *, place: bool = False) -> dict[str, Any]:
    """A copy of the record without its retired day."""
    if place:
        props = {k: v for k, v in record.get("properties", {}).items() if k != RETIRED_FIELD}
        return {**record, "properties": props}
    return {k: v for k, v in record.items() if k != RETIRED_FIELD}


# --------------------------------------------------------------------- places


@dataclass(frozen=True)
class PlaceDraft:
    """A new place's form: names, kind, precision, a pin, and the source that places it."""

    id: str
    name_en: str
    kind: str
    precision: Precision
    lon: float | None
    lat: float | None
    name_ar: str = ""
    name_ru: str = ""
    alt_names: tuple[str, ...] = ()
    note: str = ""
    position_source: str | None = None  # a source id: where the position comes from
    position_source_credit: str = ""  # how the note names it ("Reuters, 2026-01-26")


def place_issues(draft: PlaceDraft) -> list[ValidationIssue]:
    """The editor's own rules for a new place: a pin, and never a precise pin without a source."""
    rid = draft.id or "-"
    issues = []
    if draft.lon is None or draft.lat is None:
        issues.append(
            ValidationIssue(
                PLACES_FILE_NAME,
                rid,
                "geometry",
                "pick the position on the map, or type its longitude and latitude",
            )
        )
    if draft.precision is Precision.SITE and not draft.position_source:
        issues.append(
            ValidationIssue(
                PLACES_FILE_NAME,
                rid,
                POSITION_SOURCE,
                "a site is a precise pin: name the source that gives this position, or "
                "choose town or approximate region",
            )
        )
    return issues


def clicked_ground(payload: Any) -> tuple[float, float] | None:
    """Where the map was clicked off any drawn place, ``(lat, lng)``, from ``st_folium``'s report.

    ``last_clicked``; ``None`` without one, or with one that is no position
    (the report is untrusted).
    """
    clicked = payload.get("last_clicked") if isinstance(payload, Mapping) else None
    if not isinstance(clicked, Mapping):
        return None
    lat, lng = clicked.get("lat"), clicked.get("lng")
    numbers = all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
        for v in (lat, lng)
    )
    if not numbers or not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    return float(lat), float(lng)


def clicked_place(catalog: Catalog, place_ids: Sequence[str], payload: Any) -> str | None:
    """The drawn place a click on the map picked (its marker, or the outline around it), or ``None``."""
    click = MapClick.from_component(payload)
    return None if click is None else place_at(catalog, tuple(place_ids), click)


def pin_of_click(lat: float, lng: float, precision: Precision) -> tuple[float, float]:
    """A new place's pin, ``(lat, lon)``, from a click: rounded to what its precision allows.

    A site's pin still needs the source that gives it (:func:`place_issues`):
    a click says where the briefer pointed, not where the source puts it.
    """
    decimals = CLICK_DECIMALS[precision]
    return round(lat, decimals), round(lng, decimals)


def place_record(draft: PlaceDraft) -> dict[str, Any]:
    """The GeoJSON Feature a new place saves as (as in ``places.geojson``)."""
    note = draft.note.strip()
    if draft.position_source:
        credit = draft.position_source_credit or draft.position_source
        where = f"Position from {credit} (source {draft.position_source})."
        note = f"{note} {where}".strip()
    props: dict[str, Any] = {
        "id": draft.id.strip(),
        "name_en": draft.name_en.strip(),
        "name_ar": _trimmed(draft.name_ar),
        "name_ru": _trimmed(draft.name_ru),
        "alt_names": [n.strip() for n in draft.alt_names if n.strip()],
        "kind": draft.kind,
        "precision": draft.precision.value,
        "note": note or None,
    }
    props = {k: v for k, v in props.items() if k in PLACE_FIELDS and v not in (None, [])}
    coordinates = (
        [round(draft.lon, PIN_DECIMALS), round(draft.lat, PIN_DECIMALS)]
        if draft.lon is not None and draft.lat is not None
        else None
    )
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Point", "coordinates": coordinates},
    }


def source_record(
    *,
    id: str,
    outlet: str,
    date: str,
    title: str = "",
    url: str = "",
    outlet_known: bool = True,
    via: str = "",
    official_of: str | None = None,
) -> dict[str, Any]:
    """A new source as ``sources.json`` holds it (every field, nulls where empty)."""
    record = {
        "id": id.strip(),
        "outlet": outlet.strip(),
        "outlet_known": outlet_known,
        "title": _trimmed(title),
        "via": _trimmed(via),
        "official_of": official_of or None,
        "date": date.strip(),
        "url": _trimmed(url),
    }
    return {k: record[k] for k in SOURCE_FIELDS}


def slug(text: str, taken: Sequence[str] | set[str] = (), *, limit: int = 60) -> str:
    """An id from a name: lower-case ASCII words joined by ``_``, made unique against ``taken``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")[:limit] or "item"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    return candidate
