"""The desk page's widgets: a report in, its drafts as review cards, the accepted ones previewed.

Drafting and review are pure (:mod:`briefmap.desk`); here they are laid out.
A report is pasted or uploaded with its outlet, date and address; each draft
is a card with its sentence and the cue highlighted, every suggested field
editable, and a decision (accept, edit, reject). "Preview on the map"
validates the accepted drafts, built as the save builds them
(:mod:`briefmap.desk.records`), with the loader's own rules against the
current data and shows them as the session's overlay (the upload's place on
the map), with what they add, upgrade or contradict. "Save" writes the
reviewed drafts (accepted or edited, each with the analyst's summary) through
the team's store in one save (:mod:`briefmap.desk.save`), under the editor the
editor page knows (:func:`briefmap.app.editor.who_edits`: the same rules of who
may edit) and a reason; what the store refuses is shown in the draft's card,
beside the field it names. Nothing is saved without review.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from pathlib import Path
from typing import Any

import streamlit as st

from briefmap.app.data import Upload
from briefmap.app.session import KEY_DESK_PREVIEW
from briefmap.app.view import BriefingView
from briefmap.data.loader import default_data_dir
from briefmap.data.schema import Catalog, ClaimStatus, Posture
from briefmap.data.validate import ValidationIssue, real_day
from briefmap.desk.cues import TableError
from briefmap.desk.draft import Desk, Draft, DraftReport
from briefmap.desk.records import validate_drafts
from briefmap.desk.review import ACCEPT, DECISIONS, REJECT, Review, reviewed, what_it_changes
from briefmap.desk.save import desk_edits, issues_by_draft
from briefmap.desk.summary import copied_runs
from briefmap.desk.text import MAX_BYTES, ReportError, read_report
from briefmap.safe import markdown_text, plain_text
from briefmap.store.base import ChangeRefused, StaleRevision

KEY_REPORT = "desk_report"  # the DraftReport on review
KEY_REFUSED = "desk_refused"  # (scope, {draft id: issues}, other issues) of the last refused save
KEY_SAVED = "desk_saved"  # what the last save did, said once
KEY_WHY = "desk_why"
# The fields of a card, by the claim record's field a refusal names.
CARD_FIELDS = ("places", "actors", "claimant", "status", "posture", "history", "summary")
DECISION_LABELS = {ACCEPT: "Accept", "edit": "Edit", REJECT: "Reject"}


@st.cache_resource(show_spinner="Building the desk's gazetteer…", max_entries=2)
def _desk(data_dir: str, places_key: str, _catalog: Catalog) -> Desk:
    """One desk per data folder and set of places (its key: their ids and names, hashed)."""
    return Desk.for_catalog(_catalog, Path(data_dir))


def current_desk(view: BriefingView) -> Desk | None:
    """The desk for the data on the map; ``None`` (and a message) when its tables are unusable."""
    catalog = view.loaded.catalog
    digest = hashlib.sha256()
    for place in catalog.places.values():
        digest.update(f"{place.id}\0{place.name_en}\0{'|'.join(place.alt_names)}\n".encode())
    try:
        return _desk(str(default_data_dir()), digest.hexdigest(), catalog)
    except TableError as exc:
        st.error(markdown_text(str(exc)))
        return None


def upload_limit_mb() -> int:
    """The uploader's limit in Streamlit's megabytes (MiB): the least that holds ``MAX_BYTES``."""
    return max(1, math.ceil(MAX_BYTES / 2**20))


def report_form(desk: Desk) -> None:
    """The report and its source; Draft puts its drafts on review."""
    with st.form("desk_report_form"):
        text = st.text_area("Paste a report (plain text)", height=200, key="desk_text")
        page = st.file_uploader(
            "…or upload one (.txt, or an .html page saved from a browser)",
            type=["txt", "html", "htm"],
            key="desk_file",
            # The desk's own bound, not the app's (20 MB, for GIS files): the box said
            # "20MB per file", then a 2 MB page was refused after its upload.
            max_upload_size=upload_limit_mb(),
        )
        left, middle, right = st.columns(3)
        outlet = left.text_input(
            "Outlet", help="Left empty, it is recorded as not identified: never guessed"
        )
        day = middle.text_input("Date (YYYY-MM-DD)", value=dt.date.today().isoformat())
        url = right.text_input("Address (http or https)")
        drafted = st.form_submit_button("Draft claims", type="primary")
    if not drafted:
        return
    if real_day(day.strip()) is None:
        st.error("Give the report's date as YYYY-MM-DD.")
        return
    if url.strip() and not url.strip().lower().startswith(("http://", "https://")):
        st.error("Only http:// and https:// addresses are recorded.")
        return
    raw: bytes | str = page.getvalue() if page is not None else text
    name = page.name if page is not None else "the pasted text"
    if page is not None and page.size > MAX_BYTES:
        st.error(
            f"{markdown_text(name)}: {page.size:,} bytes is more than the desk reads ({MAX_BYTES:,})."
        )
        return
    try:
        report = read_report(raw, name)
    except ReportError as exc:
        st.error(markdown_text(str(exc)))
        return
    st.session_state[KEY_REPORT] = desk.draft(
        report, outlet=outlet.strip() or None, date=day.strip(), url=url.strip() or None
    )
    st.session_state.pop(KEY_DESK_PREVIEW, None)
    st.session_state.pop(KEY_REFUSED, None)


def refused(scope: str, draft_id: str, *fields: str) -> None:
    """The last refused save's issues for this draft, beside its fields (all others: no fields)."""
    held = st.session_state.get(KEY_REFUSED)
    if not held or held[0] != scope:
        return
    for issue in held[1].get(draft_id, ()):
        slot = issue.field.split("[", 1)[0].split(".", 1)[0]
        if (slot in fields) if fields else (slot not in CARD_FIELDS):
            st.error(markdown_text(str(issue)), icon=":material/error:")


def highlighted(draft: Draft, sentence_start: int) -> str:
    """The sentence as Markdown, its status cue highlighted; every piece escaped."""
    cue = draft.status_cue
    if cue is None:
        return markdown_text(draft.text)
    a, b = cue.start - sentence_start, cue.end - sentence_start
    if not (0 <= a < b <= len(draft.text)):
        return markdown_text(draft.text)
    return (
        markdown_text(draft.text[:a])
        + f" :orange-background[**{markdown_text(draft.text[a:b])}**] "
        + markdown_text(draft.text[b:])
    )


def review_card(drafted: DraftReport, draft: Draft, desk: Desk, scope: str) -> Review:
    """One draft's card; what the analyst left in it."""
    catalog = desk.catalog
    key = f"desk_{scope}_{draft.id}"
    with st.container(border=True):
        st.markdown(f"**{draft.id}**, sentence {', '.join(str(i + 1) for i in draft.sentences)}")
        st.markdown(highlighted(draft, drafted.report.sentences[draft.sentences[0]].start))
        refused(scope, draft.id)
        cue = draft.status_cue.phrase if draft.status_cue else "no cue: the report's own account"
        st.caption(
            f"Suggested: {draft.status.value} ({markdown_text(cue)}), {draft.posture.value}"
            + (
                f"; no comment: {markdown_text(draft.no_comment.phrase)}"
                if draft.no_comment
                else ""
            )
        )
        for note in draft.notes:
            st.caption(markdown_text(note))
        decision = st.radio(
            "Decision",
            DECISIONS,
            format_func=DECISION_LABELS.__getitem__,
            horizontal=True,
            key=f"{key}_decision",
        )
        options = list(dict.fromkeys([*(p.id for p in draft.places), *catalog.places]))
        names = {
            **{p.id: p.name for p in draft.places},
            **{p.id: p.name_en for p in catalog.places.values()},
        }
        editing = decision == "edit"
        places = st.multiselect(
            "Places",
            options,
            default=[p.id for p in draft.places],
            key=f"{key}_places",
            format_func=lambda pid: plain_text(f"{names.get(pid, pid)} ({pid})"),
            disabled=not editing,
        )
        refused(scope, draft.id, "places")
        actors = st.multiselect(
            "Actors",
            list(catalog.meta.actor_ids),
            default=[a for a in draft.actors if a in catalog.meta.actor_ids],
            key=f"{key}_actors",
            disabled=not editing,
        )
        refused(scope, draft.id, "actors")
        left, middle, right = st.columns(3)
        claimant = left.text_input(
            "Claimant", value=draft.claimant, key=f"{key}_claimant", disabled=not editing
        )
        statuses = [s.value for s in ClaimStatus]
        status = middle.selectbox(
            "Status",
            statuses,
            index=statuses.index(draft.status.value),
            key=f"{key}_status",
            disabled=not editing,
        )
        postures = [p.value for p in Posture]
        posture = right.selectbox(
            "Posture",
            postures,
            index=postures.index(draft.posture.value),
            key=f"{key}_posture",
            disabled=not editing,
        )
        refused(scope, draft.id, "claimant", "status", "posture", "history")
        ended = draft.end_date
        if posture == Posture.FORMER.value:
            ended = (
                st.text_input(
                    "Ended (YYYY-MM-DD, or empty: unknown)",
                    value=draft.end_date or "",
                    key=f"{key}_ended",
                    disabled=not editing,
                ).strip()
                or None
            )
        summary = st.text_area(
            "Summary, in your own words",
            key=f"{key}_summary",
            disabled=decision == REJECT,
            help="The stored summary must be your own words: the desk warns when it repeats eight words of the report",
        )
        refused(scope, draft.id, "summary")
        copied = copied_runs(summary, drafted.report.text)
        if copied:
            st.warning(
                "This summary repeats the report word for word: "
                + "; ".join(f"“{markdown_text(c)}”" for c in copied)
            )
    return Review(
        decision,
        tuple(places),
        tuple(actors),
        claimant.strip(),
        ClaimStatus(status),
        Posture(posture),
        ended,
        summary.strip(),
    )


def preview(drafted: DraftReport, reviews: dict[str, Review], desk: Desk, scope: str) -> None:
    """The accepted drafts validated against the data and drawn as the session's overlay."""
    kept = [d for d in drafted.drafts if reviews[d.id].decision != REJECT]
    final = [reviewed(d, reviews[d.id], desk.gazetteer, desk.catalog) for d in kept]
    summaries = {d.id: reviews[d.id].summary for d in kept}
    result = validate_drafts(drafted, final, summaries, desk.gazetteer, desk.catalog)
    for issue in result.issues:
        st.error(markdown_text(str(issue)))
    for draft in final:
        for line in what_it_changes(draft, desk.catalog):
            st.markdown(f"- **{draft.id}** {markdown_text(line)}")
    if result.catalog.claims:
        digest = hashlib.sha256(
            f"desk|{scope}|{sorted(result.catalog.claims)}".encode()
        ).hexdigest()
        st.session_state[KEY_DESK_PREVIEW] = Upload(("the desk's drafts",), digest, result)
        st.success(
            f"{len(result.catalog.claims)} reviewed claim(s) drawn on the Map page as your own data "
            "(shown to you only) until they are saved."
        )
    else:
        st.session_state.pop(KEY_DESK_PREVIEW, None)
        st.info("Nothing to preview: accept a draft and give it a summary.")


def desk_page(view: BriefingView) -> None:
    """The whole desk: the form, the cards, the preview."""
    desk = current_desk(view)
    if desk is None:
        return
    saved = st.session_state.pop(KEY_SAVED, None)
    if saved:
        st.success(markdown_text(saved), icon=":material/check:")
    report_form(desk)
    drafted: DraftReport | None = st.session_state.get(KEY_REPORT)
    if drafted is None:
        return
    for note in drafted.notes:
        st.info(markdown_text(note))
    if drafted.unplaced:
        st.markdown("**Not placed:** " + "; ".join(markdown_text(u.name) for u in drafted.unplaced))
    if not drafted.drafts:
        if drafted.named:
            # A report in Arabic or Russian has no drafts, but its places are matched: the
            # note above promises them, and `briefmap draft` prints them too.
            named = {p.id: p for p in drafted.named}.values()
            st.markdown(
                "**Places named:** "
                + "; ".join(
                    f"{markdown_text(p.name)} (“{markdown_text(p.surface)}”)" for p in named
                )
            )
        st.warning("Nothing could be drafted from this report.")
        return
    scope = hashlib.sha256(drafted.report.text.encode()).hexdigest()[:12]
    reviews: dict[str, Any] = {d.id: review_card(drafted, d, desk, scope) for d in drafted.drafts}
    if st.button("Preview on the map", type="primary", key=f"desk_{scope}_preview"):
        preview(drafted, reviews, desk, scope)
    save_panel(drafted, reviews, desk, scope)


def save_panel(drafted: DraftReport, reviews: dict[str, Review], desk: Desk, scope: str) -> None:
    """Who saves, why, and the button: the reviewed drafts through the store, in one save."""
    from briefmap.app import editor  # the editor page's rules and store: one of each

    st.subheader("Save to the team's data")
    held = st.session_state.get(KEY_REFUSED)
    if held and held[0] == scope and (held[1] or held[2]):
        # The refusals sit in their drafts' cards, perhaps a long scroll up from the
        # button: said here too, by draft and field, or a refused save looks like a
        # click that did nothing.
        lines = [
            f"- {markdown_text(draft_id)}: refused in its card ("
            + ", ".join(sorted({markdown_text(i.field) for i in issues}))
            + ")"
            for draft_id, issues in sorted(held[1].items())
        ]
        lines += [f"- {markdown_text(str(i))}" for i in held[2]]
        st.error("Not saved:\n\n" + "\n".join(lines), icon=":material/error:")
    _access, who = editor.who_edits()
    if who is None:
        return
    why = st.text_input(
        "Why (kept in the audit trail)",
        key=KEY_WHY,
        placeholder="e.g. claims from this morning's wire report",
    )
    kept = [d for d in drafted.drafts if reviews[d.id].decision != REJECT]
    if not st.button(
        f"Save {len(kept)} reviewed claim(s)",
        key=f"desk_{scope}_save",
        disabled=not kept,
        icon=":material/save:",
    ):
        return
    store = editor.server_store()
    final = [reviewed(d, reviews[d.id], desk.gazetteer, desk.catalog) for d in kept]
    summaries = {d.id: reviews[d.id].summary for d in kept}
    plan = desk_edits(
        drafted, final, summaries, desk.gazetteer, desk.catalog, store.records(), who.name
    )
    try:
        store.save(plan.edits, who, why.strip())
    except ChangeRefused as refusal:
        mine, rest = issues_by_draft(refusal.issues, plan.draft_of)
        st.session_state[KEY_REFUSED] = (scope, mine, rest)
        st.rerun()
    except StaleRevision as stale:
        st.session_state[KEY_REFUSED] = (
            scope,
            {},
            [
                ValidationIssue(
                    "-", stale.record_id, "id", f"{stale}: this report was saved already"
                )
            ],
        )
        st.rerun()
    # Saved: the claims are the team's now, drawn from the store; the preview would draw them twice.
    for key in (KEY_REPORT, KEY_REFUSED, KEY_DESK_PREVIEW, KEY_WHY):
        st.session_state.pop(key, None)
    st.session_state[KEY_SAVED] = (
        f"Saved {len(plan.draft_of)} claim(s) from the report: "
        + ", ".join(sorted(plan.draft_of))
        + ". They are on the Map page."
    )
    st.rerun()
