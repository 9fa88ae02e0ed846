"""What the browser tests share: a page wrapper, expectations from the package, payloads.

The expected numbers come from the package itself (loader, filter, map
planner), so the tests follow the data instead of hard-coding it.
"""

from __future__ import annotations

import json
import re
import shutil
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import folium
import pytest

from briefmap.data.loader import load_catalog
from briefmap.data.schema import Catalog
from briefmap.data.validate import DEFAULT_TEXT_LIMIT, TEXT_LIMITS
from briefmap.drawing.assets import web_text
from briefmap.drawing.branca_internals import children_of
from briefmap.drawing.mapping import FEATURE_CLASS, Layer, build_layers, plan_features
from briefmap.drawing.plan import MapFeature, one_per_place
from briefmap.engine.query import ClaimFilter, Selection, select
from briefmap.safe import WORD_JOINER
from briefmap.screenshots import (
    MAP_FRAME_URL_PART,
    SIDEBAR_READY,
    AppServer,
    is_tile_url,
    start_app,
)

if TYPE_CHECKING:  # Playwright is a test extra: without it the suite skips, not crashes
    from playwright.sync_api import ConsoleMessage, Frame, FrameLocator, Locator, Page, Request


def only_the_app(origin: str) -> Callable[[Any], None]:
    """A route handler for a browser context: requests to the app at ``origin`` go on, all others fail.

    For contexts a test makes itself (a device's size and touch, permissions),
    as the shared profile blocks outside hosts by its resolver rules.
    """

    def gate(route: Any) -> None:
        url = route.request.url
        if url.startswith(origin + "/") or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            route.abort()

    return gate


def unjoined(text: str) -> str:
    """Text as a reader sees it: without the word joiners ``safe.markdown_text`` adds."""
    return text.replace(WORD_JOINER, "")


def loosely(text: str) -> re.Pattern[str]:
    """A pattern for ``text`` shown through Markdown, word joiners or not, for ``has_text``."""
    return re.compile("".join(re.escape(ch) + f"{WORD_JOINER}?" for ch in text))


def expect(target: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


MAP_IFRAME = f'iframe[src*="{MAP_FRAME_URL_PART}"]'
# A predicate of the map's frame: true once the map has settled (see the file).
MAP_SETTLED_JS = web_text("map-settled.js")
SUMMARY_RE = re.compile(r"^Showing \d+ of \d+ claims$")

# Streamlit reruns, component round trips and Leaflet animations all finish
# well inside this; waits are on conditions, this is only their ceiling.
WAIT_MS = 30_000
# How long a widget change may take to start a run before it is made once more.
RETRY_AFTER_MS = 10_000
# A server's first session: see BrowserPage.goto.
FIRST_VISIT_MS = 3 * WAIT_MS


# --------------------------------------------------------------- expectations


@dataclass(frozen=True)
class Expected:
    """What the browser should show for one catalog and filter."""

    catalog: Catalog
    selection: Selection

    @property
    def drawn(self) -> list[MapFeature]:
        """What the markers draw: one per point place (in its strongest layer), outlines per layer."""
        return [group[0] for group in one_per_place(plan_features(self.catalog, self.selection))]

    @property
    def features(self) -> int:
        return len(self.drawn)

    @property
    def per_layer(self) -> dict[Layer, int]:
        counts = Counter(f.layer for f in self.drawn)
        return {layer: counts.get(layer, 0) for layer in Layer}

    @property
    def arrows(self) -> int:
        """Drawn paths with class ``bm-arrow`` (shaft and head are one each)."""
        total = 0
        for group in build_layers(self.catalog, self.selection):
            for child in children_of(group):
                if isinstance(child, folium.Marker):
                    continue
                options = getattr(child, "options", {}) or {}
                if "bm-arrow" in str(options.get("className", "")).split():
                    total += 1
        return total

    @property
    def point_names(self) -> list[str]:
        """The English name of every point feature drawn, as its marker labels it."""
        return [f.place.name_en for f in self.drawn if f.place.is_point]

    @property
    def summary_line(self) -> str:
        return self.selection.summary_line


def expected_for(data_dir: Path, claim_filter: ClaimFilter | None = None) -> Expected:
    loaded = load_catalog(data_dir)
    assert loaded.ok, f"test data in {data_dir} does not validate:\n{loaded.report()}"
    return Expected(loaded.catalog, select(loaded.catalog, claim_filter or ClaimFilter()))


# ------------------------------------------------------------------- payloads

PAYLOAD = (
    '<img src=x onerror="window.__pwned=1;alert(1)"> ${window.__pwned=1} '
    "`${alert(1)}` \"double\" 'single' </script><script>window.__pwned=1;alert(1)</script> "
    "javascript:alert(1)"
)


def with_payload(text: str | None, field_name: str) -> str:
    """``text`` followed by the payload, cut to fit the loader's length limit for the field."""
    limit = TEXT_LIMITS.get(field_name, DEFAULT_TEXT_LIMIT)
    room = limit - len(PAYLOAD) - 1
    assert room >= 0, f"the payload is longer than {field_name}'s limit of {limit}"
    prefix = (text or "")[:room].rstrip()
    return f"{prefix} {PAYLOAD}" if prefix else PAYLOAD


def write_payload_data(source: Path, target: Path) -> Path:
    """A copy of ``source`` whose names, summaries, attributions and outlets carry payloads."""
    shutil.copytree(source, target)
    places_path = target / "places.geojson"
    places = json.loads(places_path.read_text(encoding="utf-8"))
    for feature in places["features"]:
        props = feature["properties"]
        for key in ("name_en", "name_ar", "name_ru"):
            props[key] = with_payload(props.get(key), key)
        props["alt_names"] = [*(props.get("alt_names") or []), PAYLOAD]
    places_path.write_text(json.dumps(places, ensure_ascii=False, indent=1), encoding="utf-8")
    claims_path = target / "claims.json"
    claims = json.loads(claims_path.read_text(encoding="utf-8"))
    for claim in claims["claims"]:
        for key in ("summary", "attribution", "claimant"):
            claim[key] = with_payload(claim[key], key)
    claims_path.write_text(json.dumps(claims, ensure_ascii=False, indent=1), encoding="utf-8")
    sources_path = target / "sources.json"
    sources = json.loads(sources_path.read_text(encoding="utf-8"))
    for source_record in sources["sources"]:
        source_record["outlet"] = with_payload(source_record["outlet"], "outlet")
    sources_path.write_text(json.dumps(sources, ensure_ascii=False, indent=1), encoding="utf-8")
    return target


# ------------------------------------------------------------------ the page

# ``kindOf(data, wanted)``: which of the field numbers ``wanted`` is the first of a
# protobuf message's top-level fields (a ForwardMsg's or a BackMsg's kind), and
# its value if a number: ``[field, value]``, or ``[0, null]``.
KIND_OF_JS = """
  const varint = (bytes, at) => {
    let value = 0, scale = 1, byte;
    do { byte = bytes[at++]; value += (byte & 127) * scale; scale *= 128; } while (byte & 128);
    return [value, at];
  };
  const kindOf = (data, wanted) => {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data)
      : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : null;
    let at = 0, key, size;
    while (bytes && at < bytes.length) {
      [key, at] = varint(bytes, at);
      const number = Math.floor(key / 8), wire = key % 8;
      if (wanted.includes(number)) return [number, wire === 0 ? varint(bytes, at)[0] : null];
      if (wire === 0) [, at] = varint(bytes, at);
      else if (wire === 2) { [size, at] = varint(bytes, at); at += size; }
      else if (wire === 1 || wire === 5) at += wire === 1 ? 8 : 4;
      else break;
    }
    return [0, null];
  };
"""
# Counts the app's script runs from Streamlit's own messages on its WebSocket:
# a run starts with a new_session ForwardMsg (field 4) and ends with a
# script_finished (field 6: finished, stopped for a rerun, or a compile error);
# a widget change or a rerun goes out as a rerun_script BackMsg (field 11).
# stApp's data-test-script-state, counted before, misses a short run: when the
# page handles the run's messages before React renders (a loaded machine, a
# page without a map), "running" and "notRunning" render as one state and no
# change is seen, so a test waited 30 s for a run long finished, and "made the
# change once more" (a radio already on the choice, a field already applied),
# which sends nothing.
# Streamlit's message fields and the status the counter reads
# (tests/browser/test_browser_run_counter.py checks them against Streamlit's protobufs).
NEW_SESSION, SCRIPT_FINISHED, RERUN_SCRIPT = 4, 6, 11
FINISHED_EARLY_FOR_RERUN = 2
COUNT_SCRIPT_RUNS_JS = (
    """
(() => {
  window.__bmScriptRuns = 0;  // runs started
  window.__bmScriptRunsEnded = 0;  // runs ended
  window.__bmRunsCutShort = 0;  // runs ended early, for a rerun
  window.__bmRerunsAsked = 0;  // reruns the page asked for
  window.__bmRunOpen = false;  // the last run started has not yet ended
"""
    + KIND_OF_JS
    + f"""
  const NEW_SESSION = {NEW_SESSION}, SCRIPT_FINISHED = {SCRIPT_FINISHED}, RERUN_SCRIPT = {RERUN_SCRIPT};
  const FINISHED_EARLY_FOR_RERUN = {FINISHED_EARLY_FOR_RERUN};
"""
    + """  window.WebSocket = class extends window.WebSocket {
    constructor(...args) {
      super(...args);
      // Before Streamlit's own listener, which it adds after this returns.
      this.addEventListener('message', (event) => {
        const [field, status] = kindOf(event.data, [NEW_SESSION, SCRIPT_FINISHED]);
        if (field === NEW_SESSION) { window.__bmScriptRuns += 1; window.__bmRunOpen = true; }
        if (field === SCRIPT_FINISHED) { window.__bmScriptRunsEnded += 1; window.__bmRunOpen = false; }
        if (field === SCRIPT_FINISHED && status === FINISHED_EARLY_FOR_RERUN) {
          window.__bmRunsCutShort += 1;
        }
      });
    }
    send(data) {
      if (kindOf(data, [RERUN_SCRIPT])[0] === RERUN_SCRIPT) window.__bmRerunsAsked += 1;
      super.send(data);
    }
  };
})();
"""
)
# True once the last run the page has seen start has ended, and stApp shows it.
# Not "as many ended as started": a change made during a run (Streamlit's
# runner.fastReruns) stops that run's runner and starts a new one, and the server
# drops the old runner's script_finished, so a run can start and never be said
# to end (seen in CI: "runs started 5, ended 4" on an idle page).
IDLE_JS = """(sidebar) => {
    const app = document.querySelector('[data-testid="stApp"]');
    return !!app
        && app.getAttribute('data-test-connection-state') === 'CONNECTED'
        && app.getAttribute('data-test-script-state') === 'notRunning'
        && !window.__bmRunOpen
        && !!document.querySelector(sidebar);
}"""
# Streamlit hands a message to React as it arrives, and React draws it in a task
# of its own: after the next frame and a task queued behind React's, it is drawn.
DRAWN_JS = """() => new Promise((done) => requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => done();
    channel.port2.postMessage(0);
}))"""


# The servers (origin and process id: a port is used again) this test process has
# opened a page on: the others are still to have their first session (BrowserPage.goto).
_VISITED: set[tuple[str, int]] = set()


@dataclass
class BrowserPage:
    """A Playwright page on the app, with what the network and console saw."""

    page: Page
    server: AppServer
    aborted: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    console: list[ConsoleMessage] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def attach(self) -> None:
        """Record console messages, failed requests, script errors and dialogs."""
        self.page.on("console", lambda m: self.console.append(m))
        self.page.on("requestfailed", self._on_failed)
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        self.page.on("dialog", self._on_dialog)
        self.page.add_init_script(COUNT_SCRIPT_RUNS_JS)

    def _on_failed(self, request: Request) -> None:
        self.failed.append((request.url, request.failure or ""))

    def _on_dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    # -- navigation and Streamlit

    def goto(self, path: str = "/") -> None:
        """Open ``path``; returns once the app is idle (:meth:`wait_idle`).

        A server's first session imports the app, leaves Streamlit's pages/ folder
        mode (a run cut short) and reads the data: its first run took 33 s on
        a loaded machine, so it is waited for up to ``FIRST_VISIT_MS``.
        """
        server = (self.server.origin, self.server.process.pid)
        self.page.goto(self.server.url + path)
        self.wait_idle(timeout_ms=WAIT_MS if server in _VISITED else FIRST_VISIT_MS)
        _VISITED.add(server)

    def wait_idle(self, timeout_ms: float = WAIT_MS) -> None:
        """Wait until Streamlit is connected, every run it started has ended and is drawn, and the sidebar is laid out.

        Runs are counted from Streamlit's messages (``COUNT_SCRIPT_RUNS_JS``), as
        stApp's script state alone can skip a short run. The sidebar: a
        session's first run lays it out at its end (``SIDEBAR_LAID_OUT``), and
        sidebar-open.js opens it over the page (``SIDEBAR_READY``).
        """
        from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

        try:
            self.page.wait_for_function(IDLE_JS, arg=SIDEBAR_READY, timeout=timeout_ms)
        except PlaywrightTimeoutError:
            state = self.page.evaluate(
                """(sidebar) => {
                    const app = document.querySelector('[data-testid="stApp"]');
                    return `runs started ${window.__bmScriptRuns}, ended ${window.__bmScriptRunsEnded}, `
                        + `last ${window.__bmRunOpen ? 'still running' : 'ended'}; `
                        + `stApp ${app && app.getAttribute('data-test-script-state')}, `
                        + `${app && app.getAttribute('data-test-connection-state')}; `
                        + `sidebar ready: ${!!document.querySelector(sidebar)}`;
                }""",
                SIDEBAR_READY,
            )
            raise AssertionError(
                f"the app was not idle within {timeout_ms / 1000:.0f} s: {state}"
            ) from None
        self.page.evaluate(DRAWN_JS)

    @property
    def main(self) -> Locator:
        return self.page.locator('[data-testid="stMain"]')

    @property
    def sidebar(self) -> Locator:
        return self.page.locator('[data-testid="stSidebar"]')

    def summary(self) -> Locator:
        return self.main.locator("strong").filter(has_text=SUMMARY_RE)

    def expect_summary(self, text: str) -> None:
        expect(self.summary()).to_have_text(text, timeout=WAIT_MS)

    def script_runs(self) -> int:
        """How many runs of the app's script this page has seen start (its new_session messages)."""
        return int(self.page.evaluate("() => window.__bmScriptRuns || 0"))

    def runs_cut_short(self) -> int:
        """How many of those runs ended early for a rerun (``st.rerun``, a change during a run)."""
        return int(self.page.evaluate("() => window.__bmRunsCutShort || 0"))

    def reruns_asked(self) -> int:
        """How many reruns this page has asked for (widget changes among them)."""
        return int(self.page.evaluate("() => window.__bmRerunsAsked || 0"))

    def text_showing(self, locator: Locator, *texts: str) -> str:
        """``locator``'s text once it contains every one of ``texts``, or at the timeout.

        Streamlit can finish drawing an element after the page says the script has
        stopped, so one read straight after ``wait_idle`` may miss a line. At the
        timeout the text is returned as it is, for the caller's assertions to name
        what is missing. Markdown's invisible word joiners are taken out (see
        :func:`unjoined`).
        """
        deadline = time.monotonic() + WAIT_MS / 1000
        while True:
            text = unjoined(locator.inner_text())
            if all(t in text for t in texts) or time.monotonic() > deadline:
                return text
            self.page.wait_for_timeout(100)

    def settle(self) -> None:
        """Wait until the app is idle and the page's map, if it has one, has settled.

        After that nothing reruns the app by itself: the map reports only the
        user's own moves and clicks (``streamlit-folium-report.js`` holds back
        its load and the app's own frames), so a test that counts reruns, or
        clicks where a rerun would lose the click, starts here.
        """
        self.wait_idle()
        if self.page.locator(MAP_IFRAME).count():
            self.wait_view_settled()
        self.wait_idle()

    @contextmanager
    def rerun(self, retry: Callable[[], None] | None = None, what: str = "") -> Iterator[None]:
        """Around an action that reruns the app: returns once that rerun has finished.

        ``wait_idle`` alone can return before the rerun starts: a widget change leaves
        the page "notRunning" until the server answers. On a loaded machine a
        widget has been seen to show a change it never sent (a multiselect's
        tag, a typed day): with ``retry``, a change that the page has not sent
        (no rerun asked for) within ``RETRY_AFTER_MS`` is made once more by
        ``retry()``, with a warning naming ``what`` in the test run's log. A change
        sent is waited for, never made twice: a second click on a radio's choice,
        or a field applied again unchanged, sends nothing.
        """
        from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

        before, asked = self.script_runs(), self.reruns_asked()
        yield
        started = "n => (window.__bmScriptRuns || 0) > n"
        try:
            self.page.wait_for_function(
                started, arg=before, timeout=RETRY_AFTER_MS if retry else WAIT_MS
            )
        except PlaywrightTimeoutError:
            if retry is None:
                raise
            if self.reruns_asked() == asked:
                warnings.warn(
                    f"the page did not send {what or 'a widget change'} within "
                    f"{RETRY_AFTER_MS / 1000:.0f} s; making it once more",
                    # A builtin category: pytest-xdist's controller imports a warning's
                    # class by its module, and this module is on the workers' path only
                    # (a class of ours here crashed the whole run: "No module named
                    # 'browser_support'").
                    UserWarning,
                    stacklevel=3,
                )
                retry()
            self.page.wait_for_function(started, arg=before, timeout=WAIT_MS)
        self.wait_idle()

    def upload(self, paths: Iterable[Path | str]) -> None:
        """Give the sidebar's "Your own data" uploader these files, as a user picks them.

        Returns once the app is idle; the upload is read in a child process, so
        what it shows may come later (wait for it with ``WAIT_MS``).
        """
        self.sidebar.get_by_text("Your own data", exact=True).click()
        chooser = self.sidebar.locator('[data-testid="stFileUploader"] input[type="file"]')
        chooser.set_input_files([str(p) for p in paths])
        self.wait_idle()

    def download(self, button: Locator) -> bytes:
        """Click a download button; the file it gives, with no download error shown."""
        with self.page.expect_download() as info:
            button.click()
        data = Path(info.value.path()).read_bytes()
        expect(self.page.locator('[data-testid="stDownloadButtonError"]')).to_have_count(0)
        return data

    def exceptions(self) -> Locator:
        return self.page.locator('[data-testid="stException"]')

    def multiselect(self, label: str) -> Locator:
        return self.sidebar.locator('[data-testid="stMultiSelect"]').filter(
            has=self.page.get_by_role("combobox", name=label, exact=True)
        )

    def keep_only(self, label: str, keep: str) -> None:
        """Narrow a multiselect to ``keep`` alone, one click (and rerun) at a time.

        An empty multiselect means "all" (the sidebar starts so): ``keep`` is
        picked from its list; tags already there other than ``keep`` are removed.
        """
        widget = self.multiselect(label)
        tags = widget.locator("[data-tag]")
        names = tags.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")

        def pick() -> None:
            widget.get_by_role("combobox", name=label, exact=True).click()
            self.page.get_by_role("option", name=keep, exact=True).click()

        def pick_again() -> None:
            # The tag may be shown though unsent: taken out and put back, it is sent.
            self.page.keyboard.press("Escape")
            if tags.filter(has_text=keep).count():
                widget.get_by_role("button", name=f"Remove {keep}", exact=True).click()
            pick()

        if keep not in names:
            with self.rerun(retry=pick_again, what=f"{keep!r} picked in {label!r}"):
                pick()
            self.page.keyboard.press("Escape")
            expect(tags).to_have_count(len(names) + 1, timeout=WAIT_MS)
        while True:
            names = tags.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
            others = [n for n in names if n != keep]
            if not others:
                break
            before = len(names)
            widget.get_by_role("button", name=f"Remove {others[0]}", exact=True).click()
            expect(tags).to_have_count(before - 1, timeout=WAIT_MS)
        expect(tags).to_have_count(1)

    # -- the map

    def raise_on_exception(self) -> None:
        """Fail with the app's own traceback if Streamlit shows an exception."""
        shown = self.exceptions()
        if shown.count():
            raise AssertionError(f"the app raised:\n{shown.first.inner_text()}")

    def map(self) -> FrameLocator:
        """The map's frame, once Leaflet has drawn its container."""
        # Whichever comes first: the map, or an exception that means it never will.
        self.page.locator(f'{MAP_IFRAME}, [data-testid="stException"]').first.wait_for(
            timeout=WAIT_MS
        )
        self.raise_on_exception()
        frame = self.page.frame_locator(MAP_IFRAME)
        frame.locator(".leaflet-container").wait_for(timeout=WAIT_MS)
        return frame

    def map_frame(self) -> Frame:
        """The map's frame as a :class:`Frame`, for ``evaluate``."""
        self.map()
        frames = [f for f in self.page.frames if MAP_FRAME_URL_PART in f.url]
        assert len(frames) == 1, (
            f"expected one map frame, found {[f.url for f in self.page.frames]}"
        )
        return frames[0]

    def wait_features(self, count: int, selector: str = f".{FEATURE_CLASS}") -> None:
        """Wait until the map draws exactly ``count`` elements matching ``selector``."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

        try:
            self.map_frame().wait_for_function(
                "([sel, n]) => document.querySelectorAll(sel).length === n",
                arg=[selector, count],
                timeout=WAIT_MS,
            )
        except PlaywrightTimeoutError:
            drawn = self.count_in_map(selector)
            raise AssertionError(f"the map draws {drawn} {selector}, expected {count}") from None

    def map_labels(self) -> list[str]:
        """The text of every place label on the map's markers."""
        return self.map_frame().evaluate(
            "() => [...document.querySelectorAll('.bm-point .bm-label')].map(e => e.textContent)"
        )

    def canvas_arrows(self, layer_prefix: str) -> dict[str, Any]:
        """The canvas engine's arrows in layers named ``layer_prefix``...

        Shafts and heads; whether all are on their layer's own canvas, and
        that canvas's pointer-events (per layer); how many
        pixels sampled along the shafts in view that canvas has inked; and
        ``hover``, a point on a shaft with no point or shape over it (in the map
        container's pixels) with that shaft's tooltip as text, or None.
        """
        return self.map_frame().evaluate(
            """(prefix) => {
                const out = {shafts: 0, heads: 0, on_canvas: true, inked: 0, hover: null, pointer: []};
                const R = L.Browser.retina ? 2 : 1, P = map.__briefmapPoints, size = map.getSize();
                for (const [name, parts] of Object.entries(window.__briefmapLayers || {})) {
                    if (!name.startsWith(prefix) || !parts[2]) { continue; }
                    const group = parts[2], r = group.renderer, ctx = r._ctx;
                    out.pointer.push(getComputedStyle(r._container).pointerEvents);
                    group.eachLayer((l) => {
                        if (!(r instanceof L.Canvas) || l._renderer !== r) { out.on_canvas = false; }
                        if (l instanceof L.Polygon) { out.heads += 1; return; }
                        out.shafts += 1;
                        const [a, b] = l.getLatLngs().map((ll) => map.latLngToLayerPoint(ll));
                        for (let k = 0; k <= 40; k++) {
                            const x = (a.x + (b.x - a.x) * k / 40 - r._bounds.min.x) * R;
                            const y = (a.y + (b.y - a.y) * k / 40 - r._bounds.min.y) * R;
                            if (x < 0 || y < 0 || x >= r._container.width || y >= r._container.height) { continue; }
                            if (ctx.getImageData(Math.round(x), Math.round(y), 1, 1).data[3] > 0) { out.inked += 1; }
                            const at = map.layerPointToLatLng([a.x + (b.x - a.x) * k / 40, a.y + (b.y - a.y) * k / 40]);
                            const c = map.latLngToContainerPoint(at);
                            if (out.hover || k < 10 || k > 30 || c.x < 20 || c.y < 60 || c.x > size.x - 20 || c.y > size.y - 60) { continue; }
                            const el = document.elementFromPoint(c.x, c.y);
                            if (P && P._hit(map.latLngToLayerPoint(at))) { continue; }
                            if (el && el.closest && el.closest('.leaflet-interactive, .leaflet-marker-icon, .leaflet-control')) { continue; }
                            const i = group.shaftAt(at);
                            if (i < 0) { continue; }
                            const tip = document.createElement('div');
                            tip.innerHTML = group.tipOf(i);
                            out.hover = {x: c.x, y: c.y, text: tip.textContent};
                        }
                    });
                }
                return out;
            }""",
            layer_prefix,
        )

    def count_in_map(self, selector: str) -> int:
        return int(
            self.map_frame().evaluate("sel => document.querySelectorAll(sel).length", selector)
        )

    def view(self) -> dict[str, float]:
        return self.map_frame().evaluate(
            "() => ({zoom: map.getZoom(), lat: map.getCenter().lat, lng: map.getCenter().lng})"
        )

    def wait_view_settled(self) -> dict[str, float]:
        """Wait until the map has settled (``map-settled.js``); its view then.

        Settled: the map has framed what the app asked for at its present size
        (or the user has moved it since), its refit after load has come, and no
        move is under way: an event of the map's own, not a quiet time.
        """
        from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

        frame = self.map_frame()
        try:
            frame.wait_for_function(MAP_SETTLED_JS, arg=0, polling=50, timeout=WAIT_MS)
        except PlaywrightTimeoutError:
            state = frame.evaluate(
                """() => window.map && [map.__bmFraming, map.__bmReport, map.getSize(),
                    [map.getContainer().clientWidth, map.getContainer().clientHeight]]"""
            )
            raise AssertionError(f"the map never settled: {state}") from None
        return self.view()

    def wait_labels_laid_out(self) -> None:
        """Wait for the map's next animation frame: label-room.js lays the labels out in the one after a move."""
        self.map_frame().evaluate(
            "() => new Promise((done) => requestAnimationFrame(() => done()))"
        )

    def focus_on(
        self, lat: float, lng: float, zoom: int, at: tuple[float, float] = (0.35, 0.25)
    ) -> None:
        """Zoom to a spot, as a briefer does before clicking among close places.

        The spot is put at ``at`` (fractions of the map's width and height), in
        the upper left, clear of the legend and the panels along the bottom.
        A key press on the map first makes it the user's own move (the map's
        script tells those from the app's frames by the user's input just before).
        """
        self.wait_view_settled()  # after the app's own first fit
        self.map_frame().evaluate(
            """([lat, lng, zoom, fx, fy]) => {
                map.getContainer().dispatchEvent(new KeyboardEvent('keydown', {key: 'Shift'}));
                map.setView([lat, lng], zoom, {animate: false});
                const size = map.getSize();
                map.panBy([size.x * (0.5 - fx), size.y * (0.5 - fy)], {animate: false});
            }""",
            [lat, lng, zoom, *at],
        )
        settled = self.wait_view_settled()
        assert settled["zoom"] == zoom, f"the map did not stay at zoom {zoom}: {settled}"

    def zoom_in_with_control(self) -> None:
        """Click Leaflet's "+" and wait for the zoom animation to end.

        ``map.getZoom()`` already answers the new level when the animation
        starts, and a click during the animation is dropped, so wait for zoomend.
        """
        frame = self.map_frame()
        ends = frame.evaluate(
            """() => {
                if (window.__bmZoomEnds === undefined) {
                    window.__bmZoomEnds = 0;
                    map.on('zoomend', () => { window.__bmZoomEnds += 1; });
                }
                return window.__bmZoomEnds;
            }"""
        )
        self.map().locator(".leaflet-control-zoom-in").click()
        frame.wait_for_function("n => window.__bmZoomEnds > n", arg=ends, timeout=WAIT_MS)

    def topmost_marker(self, name: str) -> Locator:
        """The marker labelled ``name`` that is on top at its own centre (markers can stack)."""
        frame = self.map_frame()
        index = frame.evaluate(
            """(name) => {
                const all = [...document.querySelectorAll('.bm-point')];
                for (let i = all.length - 1; i >= 0; i--) {
                    const el = all[i];
                    const label = el.querySelector('.bm-label');
                    if (!label || label.textContent !== name) continue;
                    const r = el.getBoundingClientRect();
                    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
                    if (hit && hit.closest('.bm-point') === el) return i;
                }
                return -1;
            }""",
            name,
        )
        assert index >= 0, f"no marker labelled {name!r} is on top at its centre"
        return self.map().locator(".bm-point").nth(index)

    def claim_card(self) -> Locator:
        """The column that holds the "Claim card" selectbox."""
        return (
            self.main.locator('[data-testid="stColumn"]')
            .filter(has=self.page.locator('[data-testid="stSelectbox"]'))
            .last
        )

    # -- outside requests

    def console_errors(self) -> list[str]:
        """Console errors, except two kinds that are not the app's.

        - Tile loads that the test itself blocked (matched with the failed requests).
        - Streamlit's own base-path probe when a page is opened by its URL: it asks
          ``/<page>/_stcore/health`` and ``/<page>/_stcore/host-config`` first and
          gets 404s before it finds the real root (streamlit/streamlit#7074).
        """
        failed_tiles = {url for url, _ in self.failed if is_tile_url(url)}
        probe = re.compile(
            re.escape(self.server.origin) + r"/[^/?#]+/_stcore/(health|host-config)$"
        )
        errors = []
        for message in self.console:
            if message.type != "error":
                continue
            url = (message.location or {}).get("url", "")
            if message.text.startswith("Failed to load resource"):
                if url in failed_tiles:
                    continue
                if "status of 404" in message.text and probe.match(url):
                    continue
            errors.append(f"{message.text} (at {url or 'unknown'})")
        return errors


# ------------------------------------------------- links, layers, payload checks
# (added for test_browser_briefing.py and test_browser_untrusted.py)


def query_of(url: str) -> dict[str, str]:
    """A URL's query parameters, the last value of each."""
    from urllib.parse import parse_qsl, urlsplit

    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def path_and_query(url: str) -> str:
    """``/path?query`` of a URL, for :meth:`BrowserPage.goto`."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def wait_for_query(
    app: BrowserPage,
    has: dict[str, str | None] | None = None,
    lacks: tuple[str, ...] = (),
    timeout_ms: float = WAIT_MS,
) -> dict[str, str]:
    """Wait until the page's URL has each key of ``has`` (with that value, unless None) and none of ``lacks``."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    has = has or {}
    try:
        app.page.wait_for_function(
            """([has, lacks]) => {
                const q = new URLSearchParams(window.location.search);
                for (const [k, v] of Object.entries(has)) {
                    if (!q.has(k) || (v !== null && q.get(k) !== v)) return false;
                }
                return lacks.every(k => !q.has(k));
            }""",
            arg=[has, list(lacks)],
            timeout=timeout_ms,
        )
    except PlaywrightTimeoutError:
        raise AssertionError(
            f"the URL {app.page.url} never had {has} without {list(lacks)}"
        ) from None
    return query_of(app.page.evaluate("() => window.location.href"))


def layer_control_names(app: BrowserPage, expand: bool = True) -> list[str]:
    """The overlay names in the map's layer control, as the browser shows them."""
    frame = app.map()
    if expand:
        frame.locator(".leaflet-control-layers").hover()
        expect(frame.locator(".leaflet-control-layers-expanded")).to_have_count(1)
    labels = frame.locator(".leaflet-control-layers-overlays label")
    return [(t or "").strip() for t in labels.evaluate_all("els => els.map(e => e.textContent)")]


def assert_nothing_ran(app: BrowserPage, flags: tuple[str, ...] = ("__pwned",)) -> None:
    """No dialog, no flag a payload would set in any frame, no request an <img src=x> makes.

    Every window property named in ``flags``, or starting with ``bm_`` (the
    corpus payloads set ``window.bm_<case>``), must be absent in every frame;
    and no link anywhere may use a scheme other than http(s).
    """
    assert app.dialogs == [], f"a payload opened a dialog: {app.dialogs}"
    for frame in app.page.frames:
        if frame.is_detached():
            continue
        found = frame.evaluate(
            """(flags) => [
                ...flags.filter(f => typeof window[f] !== 'undefined'),
                ...Object.keys(window).filter(k => k.startsWith('bm_')),
            ]""",
            list(flags),
        )
        assert found == [], f"a payload set {found} in {frame.url}"
        hrefs = frame.evaluate(
            "() => [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"
        )
        bad = [
            h for h in hrefs if re.match(r"^\s*(javascript|data|vbscript):", h, flags=re.IGNORECASE)
        ]
        assert bad == [], f"links with an unsafe scheme in {frame.url}: {bad}"
    assert [u for u in app.requests if u.rstrip("/").endswith("/x")] == [], "an <img src=x> loaded"


@contextmanager
def serving(
    tmp_path_factory: pytest.TempPathFactory, name: str, data_dir: Path | None = None
) -> Iterator[AppServer]:
    """The app under ``streamlit run`` on ``data_dir``, its log in a temporary folder."""
    log = tmp_path_factory.mktemp(f"server-{name}") / "streamlit.log"
    server = start_app(data_dir=data_dir, log_path=log)
    try:
        yield server
    finally:
        server.stop()


def open_offline_file(
    browser: Any, page_file: Path, *, viewport: dict[str, int], scale: float = 1
) -> tuple[Any, Any, list[str]]:
    """A saved page opened from disk in a fresh context where every other request fails.

    Returns the context (the caller closes it), the page, and the page's script
    errors as they come.
    """
    context = browser.new_context(viewport=viewport, device_scale_factor=scale)
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort(),
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_file.as_uri())
    return context, page, errors


@contextmanager
def offline_bench_page(
    browser: Any, page_file: Path, *, width: int = 1280, height: int = 800, scale: float = 1
) -> Iterator[Any]:
    """bench/browser.py's offline page open in a fresh context, drawn and settled.

    Only the page itself loads (no tiles, no CDN); a script error on the page
    fails the test when the block ends.
    """
    from bench.browser import SETTLED

    context, page, errors = open_offline_file(
        browser, page_file, viewport={"width": width, "height": height}, scale=scale
    )
    page.wait_for_function("window.__bmDone === true", timeout=120_000, polling=50)
    # FitWhenSized frames once more 400 ms after load: after that, and its redraw.
    page.wait_for_function(MAP_SETTLED_JS, arg=0, polling=50, timeout=WAIT_MS)
    page.evaluate(SETTLED)
    yield page
    assert not errors, errors
    context.close()
