"""The browser tests' run counter: a run whose messages the page handles at once is still counted.

On a loaded machine a page can take a short run's messages (it started, its
elements, it ended) in one go: React then draws "running" and "notRunning" as
one state, and stApp's ``data-test-script-state`` never says a run happened.
Counted from that attribute, ``BrowserPage.rerun`` waited 30 s for a run long
finished, then made the change once more, which sent nothing (the desk and
edit tests' quarantine, session 13). Here the page is made to take a run's
messages at once: they are held back, then handed to Streamlit in one task.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import (
    FINISHED_EARLY_FOR_RERUN,
    KIND_OF_JS,
    NEW_SESSION,
    RERUN_SCRIPT,
    SCRIPT_FINISHED,
    BrowserPage,
    expected_for,
    loosely,
)

from briefmap.engine.query import ClaimFilter

pytestmark = pytest.mark.browser

GEODATA = Path(__file__).resolve().parents[2] / "geodata"

# While ``window.__bmHeld`` is an array, the WebSocket's messages wait in it;
# ``__bmRelease()`` hands them all to their listeners in one task. ``__bmHeldEnded``
# counts the held runs' ends; ``__bmShownRunning`` whether stApp said "running"
# while messages were held or after.
HOLD_MESSAGES_JS = (
    """
(() => {
"""
    + KIND_OF_JS
    + f"""
  const SCRIPT_FINISHED = {SCRIPT_FINISHED};
"""
    + """
  window.__bmHeld = null;
  window.__bmHeldEnded = 0;
  window.__bmShownRunning = false;
  const seen = new WeakSet();  // a message goes to each listener: counted once
  window.WebSocket = class extends window.WebSocket {
    addEventListener(type, listener, ...rest) {
      if (type !== 'message') return super.addEventListener(type, listener, ...rest);
      return super.addEventListener(type, (event) => {
        if (!window.__bmHeld) { listener(event); return; }
        if (!seen.has(event)) {
          seen.add(event);
          if (kindOf(event.data, [SCRIPT_FINISHED])[0] === SCRIPT_FINISHED) window.__bmHeldEnded += 1;
        }
        window.__bmHeld.push(() => listener(event));
      }, ...rest);
    }
  };
  window.__bmHold = () => {
    window.__bmHeld = [];
    const app = document.querySelector('[data-testid="stApp"]');
    new MutationObserver(() => {
      if (app.getAttribute('data-test-script-state') === 'running') window.__bmShownRunning = true;
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  };
  window.__bmRelease = () => {
    const held = window.__bmHeld;
    window.__bmHeld = null;
    held.forEach((deliver) => deliver());
    return held.length;
  };
})();
"""
)


def test_the_counter_reads_streamlits_own_message_fields() -> None:
    # The field numbers are Streamlit's protocol, not its API: a renumbering shows here.
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    forward = ForwardMsg.DESCRIPTOR.fields_by_name
    assert forward["new_session"].number == NEW_SESSION
    assert forward["script_finished"].number == SCRIPT_FINISHED
    assert BackMsg.DESCRIPTOR.fields_by_name["rerun_script"].number == RERUN_SCRIPT
    assert ForwardMsg.FINISHED_EARLY_FOR_RERUN == FINISHED_EARLY_FOR_RERUN
    # A kind is found past the fields that come before it (hash, metadata).
    assert min(f.number for f in ForwardMsg.DESCRIPTOR.oneofs_by_name["type"].fields) > 2


def test_a_run_whose_messages_come_at_once_is_counted_and_drawn(app: BrowserPage) -> None:
    # A widget change on a page without a map, as on the desk and the editor: the
    # Claims page's sidebar, whose summary line the run rewrites.
    israel = expected_for(GEODATA, ClaimFilter(actors=frozenset({"israel"})))
    everything = expected_for(GEODATA)
    assert israel.summary_line != everything.summary_line
    app.page.add_init_script(HOLD_MESSAGES_JS)
    app.goto("/claims")
    assert app.main.get_by_text(loosely(everything.summary_line)).is_visible()
    runs = app.script_runs()

    app.page.evaluate("() => window.__bmHold()")
    actor = app.multiselect("Actor")
    with app.rerun():
        actor.get_by_role("combobox", name="Actor", exact=True).click()
        app.page.get_by_role("option", name="Israel", exact=True).click()
        app.page.wait_for_function("() => window.__bmHeldEnded > 0")
        # Its start, its elements, its end, to each of two listeners (the counter's, Streamlit's).
        assert app.page.evaluate("() => window.__bmRelease()") >= 6
    app.page.keyboard.press("Escape")

    # The case itself: the page never said the run was running.
    shown = app.page.evaluate("() => window.__bmShownRunning")
    assert shown is False, (
        "stApp said 'running': the page no longer draws a run taken at once as one state"
    )
    assert app.script_runs() == runs + 1
    # And rerun() returned with the run drawn: the summary line is the run's own.
    assert app.main.get_by_text(loosely(israel.summary_line)).is_visible()
    assert app.page_errors == []
