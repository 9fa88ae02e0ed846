"""Tables of claims and sources, as pandas DataFrames for the pages and CSV export."""

from __future__ import annotations

import pandas as pd

from briefmap.query import Selection
from briefmap.schema import PRECISION_DEFINITIONS, STATUS_DEFINITIONS, Catalog

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

# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def claims_table(catalog: Catalog, selection: Selection) -> pd.DataFrame:
    """One row per selected claim, with its places and source spelled out."""
    rows = []
    for claim in selection.claims:
        source = catalog.sources[claim.source]
        rows.append(
            {
                "Reported": claim.reported,
                "Status": claim.status.label,
                "Posture": claim.posture.label,
                "Summary": claim.summary,
                "Claimant": claim.claimant,
                "Attribution": claim.attribution,
                "Actors": ", ".join(a.label for a in claim.actors),
                "Places": ", ".join(catalog.places[p].name_en for p in claim.places),
                "Source": source.outlet,
                "Source date": source.date,
                "Link": source.url,
                "Claim id": claim.id,
            }
        )
    return pd.DataFrame(rows, columns=list(CLAIM_COLUMNS))


def sources_table(catalog: Catalog) -> pd.DataFrame:
    """Every source, with how many claims cite it."""
    cited: dict[str, int] = {}
    for claim in catalog.claims.values():
        cited[claim.source] = cited.get(claim.source, 0) + 1
    rows = [
        {
            "Source": s.outlet,
            "Date": s.date,
            "Link": s.url,
            "Claims": cited.get(s.id, 0),
            "Source id": s.id,
        }
        for s in sorted(catalog.sources.values(), key=lambda s: (s.date, s.id))
    ]
    return pd.DataFrame(rows, columns=["Source", "Date", "Link", "Claims", "Source id"])


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


def to_csv(frame: pd.DataFrame) -> bytes:
    """CSV for download, with cells that a spreadsheet would run as formulas defused."""

    def defuse(value: object) -> object:
        if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
            return "'" + value
        return value

    safe = frame.apply(lambda column: column.map(defuse))
    return safe.to_csv(index=False).encode("utf-8")
