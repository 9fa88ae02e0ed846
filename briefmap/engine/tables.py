"""Tables of claims, sources and errors, as pandas DataFrames for the pages and CSV export."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from briefmap.data.schema import PRECISION_DEFINITIONS, STATUS_DEFINITIONS, Catalog, Claim, Posture
from briefmap.data.validate import ValidationIssue
from briefmap.engine.query import Selection
from briefmap.safe import plain_text

CLAIM_COLUMNS = (
    "Reported",
    "Status",
    "Posture",
    "Summary",
    "Claimant",
    "Attribution",
    "Actors",
    "Places",
    "Source",
    "Source date",
    "Link",
    "Claim id",
)

LIST_SEPARATOR = "; "

# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def claims_table(catalog: Catalog, selection: Selection) -> pd.DataFrame:
    """One row per selected claim, with its places and source spelled out.

    Built column by column, and kept with the selection by the catalog's index
    (:meth:`~briefmap.engine.index.CatalogIndex.kept`): the claims page asks again on
    every rerun, and at 100,000 claims a build took a second.
    """
    kept = catalog.index.kept(selection)
    if "claims_table" not in kept:
        kept["claims_table"] = _claims_frame(catalog, selection)
    return kept["claims_table"]


def _claims_frame(catalog: Catalog, selection: Selection) -> pd.DataFrame:
    claims = selection.claims
    sources = [[catalog.sources[sid] for sid in c.sources] for c in claims]
    names = {pid: place.name_en for pid, place in catalog.places.items()}
    return pd.DataFrame(
        {
            "Reported": [c.reported for c in claims],
            "Status": [c.status.label for c in claims],
            "Posture": [_posture(c) for c in claims],
            "Summary": [c.summary for c in claims],
            "Claimant": [c.claimant for c in claims],
            "Attribution": [c.attribution for c in claims],
            "Actors": [", ".join(catalog.meta.actor(a).label for a in c.actors) for c in claims],
            "Places": [", ".join(names[p] for p in c.places) for c in claims],
            "Source": [LIST_SEPARATOR.join(s.credit for s in cited) for cited in sources],
            "Source date": [LIST_SEPARATOR.join(s.date for s in cited) for cited in sources],
            # One link a row (a table cell holds one); every source's link is on
            # the Sources & method page.
            "Link": [next((s.url for s in cited if s.url), None) for cited in sources],
            "Claim id": [c.id for c in claims],
        },
        columns=list(CLAIM_COLUMNS),
    )


def _posture(claim: Claim) -> str:
    if claim.posture is Posture.FORMER and claim.end_date_unknown:
        return f"{claim.posture.label} (end date unknown)"
    return claim.posture.label


# The claims page shows at most this many rows; the CSV always has them all.
SCREEN_ROWS = 10_000


def rows_for_screen(
    frame: pd.DataFrame, limit: int | None = None
) -> tuple[pd.DataFrame, str | None]:
    """The rows the claims page shows, and a note when some are left to the CSV.

    A browser table of 100,000 claims is 40 MB sent on every rerun; the most
    recently reported ``limit`` are what a briefer scans, the rest are in the
    download.
    """
    limit = SCREEN_ROWS if limit is None else limit
    if len(frame) <= limit:
        return frame, None
    return frame.tail(limit), (
        f"The table shows the {limit:,} most recently reported of {len(frame):,} claims; "
        "the CSV has them all."
    )


def sources_table(catalog: Catalog) -> pd.DataFrame:
    """Every source, with what it is, whose record it is, and how many claims cite it."""
    cited: dict[str, int] = {}
    for claim in catalog.claims.values():
        for sid in claim.sources:
            cited[sid] = cited.get(sid, 0) + 1
    rows = [
        {
            "Outlet": s.outlet,
            "Via": s.via or "",
            "Item": s.title or "",
            "Official record of": catalog.meta.actor(s.official_of).label if s.official_of else "",
            "Date": s.date,
            "Link": s.url,
            "Claims": cited.get(s.id, 0),
            "Source id": s.id,
        }
        for s in sorted(catalog.sources.values(), key=lambda s: (s.date, s.id))
    ]
    return pd.DataFrame(rows, columns=list(SOURCE_COLUMNS))


SOURCE_COLUMNS = (
    "Outlet",
    "Via",
    "Item",
    "Official record of",
    "Date",
    "Link",
    "Claims",
    "Source id",
)


def ladder_table() -> pd.DataFrame:
    """The status ladder, strongest first, with definitions."""
    return pd.DataFrame(
        [{"Status": s.label, "Meaning": STATUS_DEFINITIONS[s]} for s in STATUS_DEFINITIONS]
    )


def precision_table() -> pd.DataFrame:
    """What each location precision means."""
    return pd.DataFrame(
        [{"Precision": p.label, "Meaning": PRECISION_DEFINITIONS[p]} for p in PRECISION_DEFINITIONS]
    )


ISSUE_COLUMNS = ("File", "Record", "Field", "Message")


def issues_table(issues: Iterable[ValidationIssue]) -> pd.DataFrame:
    """One row per issue, in the order found: the full list behind the grouped panel."""
    return pd.DataFrame(
        [(i.file, i.record, i.field, i.message) for i in issues], columns=list(ISSUE_COLUMNS)
    )


def to_csv(frame: pd.DataFrame) -> bytes:
    """CSV for download: bidi controls dropped, cells a spreadsheet would run as formulas defused.

    A spreadsheet shows a cell as plain text, so markup in it is inert; a bidi
    control would still reorder what it shows. Dropped first, so that one in
    front of a formula cannot hide it from the defusing.
    """

    def defuse(value: object) -> object:
        if not isinstance(value, str):
            return value
        value = plain_text(value)
        return "'" + value if value.startswith(_FORMULA_PREFIXES) else value

    safe = frame.apply(lambda column: column.map(defuse))
    return safe.to_csv(index=False).encode("utf-8")
