"""A sentence cut into the clauses the desk drafts one claim each from.

The sentence whole; or its main clause and what follows it: the report's
own gloss on what was said on the record ("..., including the base at X"),
background ("... amid Y"), the statement after a denial ("X dismissed the
reports and said Y"), or a second claim with a subject of its own ("Iraqi
troops deployed to A, while Russian forces withdrew from B"; "... left A and
Iraqi units moved into B"). The words are the cue table's (``clauses``).
"""

from __future__ import annotations

import re

from briefmap.data.schema import ClaimStatus
from briefmap.desk.cue_tables import Cue, Tables, actors_in, find
from briefmap.desk.gazetteer import Mention


def clauses(
    tables: Tables,
    text: str,
    lo: int,
    hi: int,
    status: ClaimStatus,
    mentions: list[Mention],
    filed: int = 0,
) -> list[tuple[str, int, int]]:
    """The clauses of ``text[lo:hi]`` as (kind, start, end); cuts before ``filed`` (a dateline) none."""
    cuts: list[tuple[int, str]] = []
    if status is ClaimStatus.STATED:
        cuts += [
            (c.start, "elaboration") for c in find(tables, "clause_elaboration", text, lo, hi)[:1]
        ]
    if status is ClaimStatus.DENIED:
        # "X dismissed the reports as baseless and said Y": the denial, then a statement.
        cuts += [(c.start, "statement") for c in find(tables, "clause_statement", text, lo, hi)[:1]]
    cuts += [(c.start, "background") for c in find(tables, "clause_background", text, lo, hi)[:1]]
    # "Iraqi troops moved in; Turkish forces had vacated": each side its own subject, its claim.
    cuts += [
        (c.start, "contrast")
        for c in find(tables, "clause_contrast", text, lo, hi)
        if actors_in(tables, text, lo, c.start) and actors_in(tables, text, c.end, hi)
    ][:1]
    # "... left A and Iraqi units moved into B": a new subject after "and".
    cuts += [
        (c.start, "contrast")
        for c in find(tables, "clause_coordinate", text, lo, hi)
        if _new_subject(tables, text, lo, c, hi, mentions)
    ][:1]
    cuts = sorted(c for c in cuts if c[0] >= filed and any(c[0] <= m.start < hi for m in mentions))
    if not cuts:
        return [("sentence", lo, hi)]
    spans, start, kind = [], lo, "main"
    for at, what in cuts:
        if at > start:
            spans.append((kind, start, at))
        start, kind = at, what
    spans.append((kind, start, hi))
    return spans


def _new_subject(
    tables: Tables, text: str, lo: int, c: Cue, hi: int, mentions: list[Mention]
) -> bool:
    """An actor right after "and" (past "the"), and an actor and a place on either side."""
    lead = re.match(r"\s+(?:the\s+)?", text[c.end : hi])
    subject = actors_in(tables, text, c.end, min(hi, c.end + 40))
    if lead is None or not subject or subject[0][1] != c.end + lead.end():
        return False
    return all(
        actors_in(tables, text, a, b)
        and any(a <= m.start < b and not m.actor_name for m in mentions)
        for a, b in ((lo, c.start), (c.end, hi))
    )
