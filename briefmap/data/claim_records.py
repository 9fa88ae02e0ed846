"""The claims file's records, and the sourcing rules each claim must keep.

A claim's fields are checked one by one (:mod:`briefmap.data.validate`), its
references resolved against the places and sources that loaded, its history
read in order, and then the rules of :mod:`briefmap.data.sourcing` applied.
"""

from __future__ import annotations

from typing import Any

from briefmap.data.schema import (
    CLAIM_FIELDS,
    HISTORY_FIELDS,
    LEGACY_SOURCE_FIELD,
    PLACES_FILE,
    SOURCES_FILE,
    UNKNOWN_DATE,
    Claim,
    ClaimStatus,
    Place,
    Posture,
    Role,
    Source,
    StatusChange,
)
from briefmap.data.sourcing import ended_on_record, needs_confirmation_check, support
from briefmap.data.validate import Collector, Record, checked_records, records_of

LEGACY_SOURCE_HINT = 'the field is now "sources", a list of source ids: write "sources": ["<id>"]'


def load_claims(
    payload: Any,
    out: Collector,
    places: dict[str, Place],
    sources: dict[str, Source],
    known_place_ids: set[str],
    known_source_ids: set[str],
    files: tuple[str, str] = (PLACES_FILE, SOURCES_FILE),
    actor_ids: tuple[str, ...] = (),
    retired_ids: tuple[set[str], set[str]] = (set(), set()),
) -> tuple[dict[str, Claim], int, str | None]:
    """The valid claims, how many were read, and the claims file's ``as_of``.

    ``retired_ids``: the places and the sources retired in the data (issue 27),
    which an active claim may not cite.
    """
    as_of = None
    if isinstance(payload, dict) and payload.get("as_of") is not None:
        header = Record(payload, "-", out)
        as_of = header.date("as_of")
    records = records_of(payload, "claims", out, lambda item: item.get("id"))
    claims: dict[str, Claim] = {}

    def resolve(rec: Record, name: str, ref: str, valid: dict[str, Any], known: set[str]) -> bool:
        is_place = name in ("places", "origin")
        target = files[0] if is_place else files[1]
        if ref in valid:
            return True
        if ref in retired_ids[0 if is_place else 1]:
            rec.fail(
                name,
                f"{ref!r} is retired in {target}: restore it, or cite another",
            )
        elif ref in known:
            rec.fail(name, f"{ref!r} was left out of {target} because of its own error")
        else:
            rec.fail(name, f"{ref!r} does not exist in {target}")
        return False

    for rec in checked_records(records, out):
        rid, data = rec.rid, rec.data
        legacy = LEGACY_SOURCE_FIELD in data
        if legacy:
            rec.fail(LEGACY_SOURCE_FIELD, LEGACY_SOURCE_HINT)
        rec.no_unknown_fields((*CLAIM_FIELDS, LEGACY_SOURCE_FIELD))
        place_ids = rec.texts("places")
        actors = rec.id_choices("actors", actor_ids)
        claimant = rec.text("claimant")
        status = rec.choice("status", ClaimStatus)
        posture = rec.choice("posture", Posture)
        reported = rec.date("reported")
        summary = rec.text("summary")
        attribution = rec.text("attribution")
        source_ids = rec.texts("sources", required=not legacy)
        role = rec.choice("role", Role, default=Role.REPORT)
        origin = rec.text("origin", required=False)
        origin_source = rec.text("origin_source", required=False)
        origin_note = rec.text("origin_note", required=False)
        history = _history(rec, reported, status, posture)
        for place_id in place_ids:
            resolve(rec, "places", place_id, places, known_place_ids)
        cited = {
            sid for sid in source_ids if resolve(rec, "sources", sid, sources, known_source_ids)
        }
        if len(set(source_ids)) < len(source_ids):
            rec.fail("sources", "names a source more than once")
        for index, change in enumerate(history, start=1):
            for sid in change.sources:
                if sid not in source_ids:
                    rec.fail(
                        f"history[{index}].sources",
                        f"{sid!r} is not among the claim's own sources; cite it there too",
                    )
        if origin is not None:
            resolve(rec, "origin", origin, places, known_place_ids)
            if posture is not None and posture is not Posture.PROPOSED:
                rec.fail("origin", "only proposed deployments have an origin")
            if origin_source is None or origin_note is None:
                rec.fail(
                    "origin",
                    "needs a source that names it: set origin_source to the cited source "
                    "that names the origin and origin_note to where it says so; with no "
                    "such source, leave the origin out (no arrow is drawn)",
                )
            elif origin_source not in source_ids:
                rec.fail(
                    "origin_source",
                    f"{origin_source!r} is not among the claim's sources; cite it there too",
                )
        elif origin_source is not None or origin_note is not None:
            field_name = "origin_source" if origin_source is not None else "origin_note"
            rec.fail(field_name, "is set but the claim has no origin")
        if rec.failed:
            continue
        claim = Claim(
            id=rid,
            places=place_ids,
            actors=actors,
            claimant=claimant or "",
            status=status or ClaimStatus.UNVERIFIED,
            posture=posture or Posture.CURRENT,
            reported=reported or "",
            summary=summary or "",
            attribution=attribution or "",
            sources=source_ids,
            role=role or Role.REPORT,
            origin=origin,
            origin_source=origin_source,
            origin_note=origin_note,
            history=history,
        )
        _check_sourcing(rec, claim, {sid: sources[sid] for sid in cited})
        if not rec.failed:
            claims[rid] = claim
    return claims, len(records), as_of


def _check_sourcing(rec: Record, claim: Claim, cited: dict[str, Source]) -> None:
    """The rules of :mod:`briefmap.data.sourcing`: confirmed is earned, former is dated."""
    if needs_confirmation_check(claim):
        backing = support(claim, cited)
        if not backing.confirms:
            rec.fail("status", backing.explain())
    if claim.posture is Posture.FORMER and not ended_on_record(claim):
        rec.fail(
            "posture",
            "is 'former' but no history entry says when it ended: add a history entry with "
            'the date and sources of the end, or with "date": "unknown" when no source '
            "gives the day (the map then says 'end date unknown')",
        )


def _history(
    rec: Record, reported: str | None, status: ClaimStatus | None, posture: Posture | None
) -> tuple[StatusChange, ...]:
    """A claim's dated history: how its status and posture changed after it was reported.

    The first entry is dated the day the claim was reported and gives its first
    status and posture; each later entry changes one or both and names the
    sources that report the change; the last state must be the claim's own
    ``status`` and ``posture``, which are as of now. The last entry alone may be
    dated ``"unknown"``, to end a claim (posture ``former``) on a day no source
    gives.
    """
    raw = rec.data.get("history")
    if "ended" in rec.data:
        if raw is not None:
            rec.fail("ended", "give either history or ended, not both")
            return ()
        raw = _ended_history(rec, reported, status, posture)
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw:
        rec.fail("history", "must be a non-empty list of {date, status, posture, note} entries")
        return ()
    entries: list[StatusChange] = []
    for index, item in enumerate(raw, start=1):
        where = f"history[{index}]"
        if not isinstance(item, dict):
            rec.fail(where, "must be an object with a date")
            return ()
        entry = Record(item, rec.rid, rec.out, prefix=f"{where}.")
        unknown = sorted(set(item) - set(HISTORY_FIELDS))
        undated = item.get("date") == UNKNOWN_DATE
        date = UNKNOWN_DATE if undated else entry.date("date") if "date" in item else None
        st = entry.choice("status", ClaimStatus) if "status" in item else None
        pst = entry.choice("posture", Posture) if "posture" in item else None
        note = entry.text("note", required=False)
        cites = entry.texts("sources", required=False)
        editor = entry.text("editor", required=False)
        if entry.failed:
            rec.failed = True
            return ()
        problem = None
        if unknown:
            problem = f"unknown field(s) {', '.join(unknown)}; known: {', '.join(HISTORY_FIELDS)}"
        elif date is None:
            problem = f'needs a date in the form YYYY-MM-DD (or "{UNKNOWN_DATE}" for an end no source dates)'
        elif st is None and pst is None:
            problem = "must change the status, the posture or both"
        elif undated and (
            index == 1 or index != len(raw) or st is not None or pst is not Posture.FORMER
        ):
            problem = (
                f'only the last entry, after the first, may be dated "{UNKNOWN_DATE}", and it '
                "only ends the claim: posture 'former', no status"
            )
        elif undated and cites:
            problem = (
                f'a source that reports the end dates it: give its date instead of "{UNKNOWN_DATE}"'
            )
        elif index > 1 and not undated and not cites:
            problem = (
                "a change needs the sources that report it (source ids, as in the claim's sources)"
            )
        elif not undated and entries and date < entries[-1].date:
            problem = f"{date} comes before the entry above it; keep the history in date order"
        elif index == 1 and reported is not None and date != reported:
            problem = f"the first entry must be dated the day the claim was reported ({reported})"
        elif index == 1 and (st is None or pst is None):
            problem = "the first entry gives both the status and the posture"
        if problem:
            rec.fail(where, problem)
            return ()
        entries.append(
            StatusChange(date=date, status=st, posture=pst, note=note, sources=cites, editor=editor)
        )
    final_status = next(e.status for e in reversed(entries) if e.status is not None)
    final_posture = next(e.posture for e in reversed(entries) if e.posture is not None)
    if (status, posture) != (final_status, final_posture):
        rec.fail(
            "history",
            f"ends at {final_status.value}/{final_posture.value} but the claim says "
            f"{status.value if status else '?'}/{posture.value if posture else '?'}; "
            "the claim's status and posture are its latest",
        )
        return ()
    return tuple(entries)


def _ended_history(
    rec: Record, reported: str | None, status: ClaimStatus | None, posture: Posture | None
) -> list[dict[str, Any]] | None:
    """The history that ``ended`` stands for: current from the report, former from the end.

    Ended on the day reported means the report is of the end itself.
    """
    ended = UNKNOWN_DATE if rec.data.get("ended") == UNKNOWN_DATE else rec.date("ended")
    if ended is None or reported is None or status is None:
        return None
    if posture is not Posture.FORMER:
        rec.fail(
            "ended",
            f"only a former claim has an end; its posture is {posture.value if posture else '?'}",
        )
        return None
    if ended != UNKNOWN_DATE and ended < reported:
        rec.fail("ended", f"{ended} is before the day the claim was reported ({reported})")
        return None
    first = {"date": reported, "status": status.value, "posture": Posture.FORMER.value}
    if ended == reported:
        return [first]
    end: dict[str, Any] = {"date": ended, "posture": Posture.FORMER.value}
    if ended != UNKNOWN_DATE:
        end["sources"] = rec.data.get("sources")
    return [{**first, "posture": Posture.CURRENT.value}, end]
