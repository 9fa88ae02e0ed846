"""The sources' checks: each record of ``sources.json`` read into a :class:`~briefmap.data.schema.Source`.

As :mod:`briefmap.data.place_records` and :mod:`briefmap.data.claim_records`
do for places and claims: a record that fails a check is reported, naming the
record and field, and left out; the valid rest loads.
"""

from __future__ import annotations

from typing import Any

from briefmap.data.schema import SOURCE_FIELDS, Source
from briefmap.data.sourcing import outlet_says_unknown
from briefmap.data.validate import URL_SCHEMES, Collector, checked_records, records_of, short


def load_sources(
    payload: Any, out: Collector, actor_ids: tuple[str, ...]
) -> tuple[dict[str, Source], int]:
    """The valid sources of a ``sources.json`` payload by id, and how many records it held."""
    records = records_of(payload, "sources", out, lambda item: item.get("id"))
    sources: dict[str, Source] = {}
    for rec in checked_records(records, out):
        rid, data = rec.rid, rec.data
        rec.no_unknown_fields(SOURCE_FIELDS)
        outlet = rec.text("outlet")
        outlet_known = rec.flag("outlet_known", default=True)
        title = rec.text("title", required=False)
        via = rec.text("via", required=False)
        official_of = (
            rec.id_choice("official_of", actor_ids) if data.get("official_of") is not None else None
        )
        date = rec.date("date")
        url = rec.text("url", required=False)
        if url is not None and not url.lower().startswith(URL_SCHEMES):
            rec.fail("url", "only http:// and https:// links are allowed")
        if outlet is not None and not outlet_known and not outlet_says_unknown(outlet):
            rec.fail(
                "outlet",
                "outlet_known is false, so the outlet must say so in words "
                "(for example 'news report, outlet not identified'); never guess an outlet",
            )
        elif outlet is not None and outlet_known and outlet_says_unknown(outlet):
            rec.fail(
                "outlet",
                f'{short(outlet)} says the outlet is not known; add "outlet_known": false '
                "so it is not counted as an outlet",
            )
        if not rec.failed:
            sources[rid] = Source(
                id=rid,
                outlet=outlet or "",
                date=date or "",
                url=url,
                title=title,
                outlet_known=outlet_known,
                via=via,
                official_of=official_of,
            )
    return sources, len(records)
