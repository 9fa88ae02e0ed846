"""The data: loaded and validated once per version of the files, and the session's uploads."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import weakref
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import streamlit as st

from briefmap.app.layer_files import LAYER_FILES_ENV, LAYERS_SUBDIR, LayerFiles
from briefmap.app.session import (
    KEY_DESK_PREVIEW,
    KEY_UPLOAD,
    KEY_UPLOAD_FILES,
    KEY_UPLOAD_LAYER,
    request_fit,
)
from briefmap.app.store import server_store
from briefmap.data.loader import (
    LoadResult,
    ValidationIssue,
)
from briefmap.data.uploads import load_uploaded_files
from briefmap.data.validate import IssueGroup, PackedIssues, group_issues
from briefmap.drawing.assets import install_static_assets
from briefmap.drawing.own_canvas import drawn_on_own_canvas, own_canvas_payloads
from briefmap.drawing.own_layer_map import own_layers_bounds
from briefmap.engine.briefings import Briefing
from briefmap.engine.index import warm
from briefmap.engine.index_patch import patched_index
from briefmap.engine.stored import stored
from briefmap.heap import kept_for_good
from briefmap.store.base import LoadedData, Store
from briefmap.store.errors import StoreUnavailable
from briefmap.store.files import FileStore

APP_DIR = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Data:
    """Everything loaded from the data directory."""

    loaded: LoadResult
    briefings: dict[str, Briefing] = field(default_factory=dict)
    briefing_issues: tuple[ValidationIssue, ...] = ()

    @cached_property
    def briefing_groups(self) -> tuple[IssueGroup, ...]:
        """The briefings' issues by file, field and message, grouped once for every rerun."""
        return group_issues(self.briefing_issues)

    @cached_property
    def issue_groups(self) -> tuple[IssueGroup, ...]:
        """Every issue of the data and its briefings, grouped, as the error panel shows them."""
        return (*self.loaded.groups, *self.briefing_groups)

    @cached_property
    def own_payloads(self) -> tuple[tuple[str, ...] | None, ...]:
        """The data's own layers drawn for the canvas, once per version of the data (shared)."""
        return own_drawings(self.loaded)


@dataclass(frozen=True)
class Upload:
    """A user's own files, validated; held in that user's session only."""

    names: tuple[str, ...]
    digest: str
    result: LoadResult

    @cached_property
    def own_payloads(self) -> tuple[tuple[str, ...] | None, ...]:
        """Its own layers drawn for the canvas, once per upload (by its digest), not every rerun."""
        return own_drawings(self.result)


def own_drawings(result: LoadResult) -> tuple[tuple[str, ...] | None, ...]:
    """Each own layer's canvas payloads (:func:`own_canvas_payloads`); ``None`` for one drawn as paths."""
    return tuple(
        own_canvas_payloads(layer) if drawn_on_own_canvas(layer) else None
        for layer in result.own_layers
    )


# Two versions at most: keyed by content, an edited folder's old version is never
# asked for again, and kept it would hold its catalog (hundreds of MB at 100,000 claims)
# until the server stops. Two, not one, so two data folders may alternate.
DATA_VERSIONS_KEPT = 2

# Each store's last data, held weakly: the next version's index is patched from
# its index (engine.index_patch), not built again; nothing here keeps it alive.
_LAST: dict[str, weakref.ref[Data]] = {}


@st.cache_resource(show_spinner=False, max_entries=DATA_VERSIONS_KEPT)
def _load(where: str, version: str, _store: Store) -> Data:
    # Keyed by the store's version (the files' content hash and audit trail's
    # length; a database's change count), so an edit, in the app or by hand, is
    # picked up on the next rerun; cache_resource shares one catalog across sessions.
    # Kept out of the garbage collector's passes: Streamlit's collection after
    # every run would otherwise walk the whole catalog (briefmap.heap).
    if isinstance(_store, FileStore):
        # On disk too: a server start reads what the last one validated (engine.stored).
        # A version patched after an edit is not written: a start validates afresh
        # once, where writing 53 MB after every save cost each save 1.25 CPU-s.
        data = stored(
            _store.data_dir,
            version,
            lambda: _from_store(where, _store),
            worth_storing=lambda built: not _patched(built),
        )
        # The store checks the next save against it, rather than validating again,
        # and the next version's index is patched from its index (read from the
        # disk, _from_store did not run to note it).
        _store.adopt(version, LoadedData(data.loaded, data.briefings, data.briefing_issues))
        _LAST[where] = weakref.ref(data)
        return kept_for_good(data)
    return kept_for_good(_from_store(where, _store))


def _from_store(where: str, store: Store) -> Data:
    # After a save, the stores patch their validated data (not validated again),
    # and the index is patched from the last version's: the changed records' rows only.
    held = store.load()
    catalog = held.loaded.catalog
    last = _LAST.get(where)
    before = last() if last is not None else None
    if before is not None and "index" not in catalog.__dict__:
        old = before.loaded.catalog.__dict__.get("index")
        index = patched_index(old, catalog) if old is not None else None
        if index is not None:
            catalog.__dict__["index"] = index
    warm(catalog)  # the fast path's per-catalog tables, built once, shared
    data = Data(held.loaded, held.briefings, held.briefing_issues)
    _LAST[where] = weakref.ref(data)
    return data


def _patched(data: Data) -> bool:
    """Whether ``data``'s index was patched from an earlier version's (not worth a disk write)."""
    return getattr(data.loaded.catalog.index, "patched", False)


@st.cache_resource(show_spinner=False)
def _install_assets() -> Path:
    return install_static_assets(APP_DIR / "static")


@st.cache_resource(show_spinner=False)
def _layer_files() -> LayerFiles:
    return LayerFiles(APP_DIR / "static" / LAYERS_SUBDIR)


def layer_files() -> LayerFiles | None:
    """Where the map's large layers are published for its frame to fetch (one per server).

    ``None`` when ``$BRIEFMAP_LAYER_FILES`` is ``off``: the layers then travel
    with the page (for a host that does not serve ``static/``, and for the
    benchmark's comparison).
    """
    if os.environ.get(LAYER_FILES_ENV, "").strip().lower() == "off":
        return None
    return _layer_files()


def load() -> Data:
    """The validated data of the server's store (:mod:`briefmap.app.store`), cached by its version.

    The files of ``$BRIEFMAP_DATA`` or ``geodata/`` unless a database is configured.
    """
    _install_assets()
    try:
        store = server_store()
        where = str(store.data_dir) if isinstance(store, FileStore) else type(store).__name__
        return _load(where, store.version(), store)
    except StoreUnavailable as exc:
        # A database is configured but cannot be used: said on the page, not a traceback.
        st.error(f"The shared database cannot be used, so the map has no data to show. {exc}")
        st.stop()


def current_upload(data: Data) -> Upload | None:
    """Validate the session's uploaded files, once per distinct set of contents."""
    files = st.session_state.get(KEY_UPLOAD_FILES) or []
    if not files:
        st.session_state.pop(KEY_UPLOAD, None)
        # The desk's reviewed drafts, previewed as the session's own data (app/desk.py).
        return st.session_state.get(KEY_DESK_PREVIEW)
    named = [(uploaded.name, uploaded.getvalue()) for uploaded in files]
    names = [name for name, _ in named]
    layer = st.session_state.get(KEY_UPLOAD_LAYER)
    digest = hashlib.sha256(
        b"".join(n.encode() + b"\0" + hashlib.sha256(v).digest() for n, v in named)
        + (layer or "").encode()
    ).hexdigest()
    held: Upload | None = st.session_state.get(KEY_UPLOAD)
    if held is None or held.digest != digest:
        # Parsed in memory and kept in this session's state: never written to
        # disk, never cached where another session could see it.
        result = load_uploaded_files(named, base=data.loaded.catalog, layer=layer)
        # Its errors as rows the garbage collector soon stops visiting (PackedIssues).
        result = dataclasses.replace(result, issues=PackedIssues(result.issues))
        held = Upload(tuple(names), digest, result)
        st.session_state[KEY_UPLOAD] = held
        # A new own layer is framed whole, wherever it reaches (issue 26).
        own = own_layers_bounds(result.own_layers)
        if own is not None:
            request_fit(own)
    return held
