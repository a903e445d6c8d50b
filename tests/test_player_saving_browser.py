"""When the player sends what a package set, seen from the server: values set without a Commit go in one
batch every 5 seconds, what is left goes when the page goes away, and a review sends nothing.

Black-box: a small SCORM 2004 package of our own sets values through the standard API; the browser's
clock is Playwright's, moved on by hand; what counts is what reaches the server's commit URL."""
import io
import json
import queue
import re

import pytest

from lti_app.extensions import db
from lti_app.models import CmiElement
from lti_app.services import exams
from tests import factories
from tests.conftest import ARTIFACTS, serve
from tests.packages.build import MINIMAL_MANIFEST, zip_files

pytestmark = pytest.mark.browser
COMMIT_PATH = re.compile(r"^/play/\d+/commit")
AUTOCOMMIT_MS = 5000

# The package: finds the API as SCORM packages do (this window, then its parents), initializes, and
# leaves setting, committing and terminating to the test.
PACKAGE_PAGE = b"""<!doctype html>
<html><head><title>Saving probe</title></head><body><p id="status">loading</p>
<script>
  function findApi(win) {
    for (var i = 0; win && i < 10; i++) {
      if (win.API_1484_11) return win.API_1484_11;
      if (win.parent === win) break;
      win = win.parent;
    }
    return null;
  }
  var api = findApi(window);
  window.probe = {
    set: function (key, value) { return api.SetValue(key, value); },
    commit: function () { return api.Commit(""); },
    finish: function () { return api.Terminate(""); }
  };
  if (String(api.Initialize("")) === "true") {
    document.body.dataset.ready = "yes";
    document.getElementById("status").textContent = "ready";
  }
</script></body></html>"""


class Arrivals:
    """What reaches the server: every request's path as it arrives, and each commit batch once handled."""

    def __init__(self, app):
        self.paths, self.batches = [], queue.Queue()
        inner = app.wsgi_app

        def record(environ, start_response):
            path = environ["PATH_INFO"] + ("?" + environ["QUERY_STRING"] if environ.get("QUERY_STRING") else "")
            self.paths.append(path)
            if environ["REQUEST_METHOD"] != "POST" or not COMMIT_PATH.match(environ["PATH_INFO"]):
                return inner(environ, start_response)
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(body)
            response = list(inner(environ, start_response))
            self.batches.put(json.loads(body))
            return response

        app.wsgi_app = record

    def batch_with(self, key):
        """The next batch that carries `key`, waiting for it to arrive."""
        while True:
            batch = self.batches.get(timeout=15)
            if any(element["key"] == key for element in batch["elements"]):
                return batch

    def commits(self):
        return [path for path in self.paths if COMMIT_PATH.match(path)]


@pytest.fixture
def server(make_app):
    app = make_app(SERVER_NAME=None)
    arrivals = Arrivals(app)
    with serve(app) as url:
        package = zip_files({"imsmanifest.xml": MINIMAL_MANIFEST, "index.html": PACKAGE_PAGE})
        factories.exam_resource(factories.consumer(), exams.upload(package, title="Saving probe"), link_id="probe")
        yield url, arrivals


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    context.clock.install()
    yield context
    context.close()


def student_page(context, base_url):
    form = factories.signed_launch(url=f"{base_url}/lti/launch", resource_link_id="probe")
    landed = context.request.post(f"{base_url}/lti/launch", form=form)
    assert landed.ok, landed.text()
    page = context.new_page()
    page.on("pageerror", lambda error: pytest.fail(f"JavaScript error on {page.url}: {error}"))
    page.goto(landed.url)
    return page


def open_package(page):
    """The package frame, once it has initialized; from here the page's timers run only when told."""
    page.frame_locator("#player-frame").locator("body[data-ready=yes]").wait_for()
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 0.1)  # seconds
    return next(frame for frame in page.frames if frame.url.endswith("/index.html"))


def start(context, base_url):
    page = student_page(context, base_url)
    page.click("#start-attempt")
    return page, open_package(page)


def stored(key):
    db.session.remove()
    return [(row.batch_id, row.value) for row in CmiElement.query.filter_by(key=key).order_by(CmiElement.id)]


def test_values_set_without_a_commit_go_together_every_5_seconds(server, context):
    base_url, arrivals = server
    page, package = start(context, base_url)
    package.evaluate("probe.set('cmi.location', 'page-2')")
    package.evaluate("probe.set('cmi.suspend_data', 'answers-1')")
    page.clock.run_for(AUTOCOMMIT_MS)
    first = arrivals.batch_with("cmi.location")
    assert {e["key"]: e["value"] for e in first["elements"]} == {"cmi.location": "page-2",
                                                                 "cmi.suspend_data": "answers-1"}
    assert stored("cmi.location") == [(first["batch_id"], "page-2")]
    assert stored("cmi.suspend_data") == [(first["batch_id"], "answers-1")]

    package.evaluate("probe.set('cmi.location', 'page-3')")
    page.clock.run_for(AUTOCOMMIT_MS)
    second = arrivals.batch_with("cmi.location")
    assert [(e["key"], e["value"]) for e in second["elements"]] == [("cmi.location", "page-3")]
    assert stored("cmi.location")[-1] == (second["batch_id"], "page-3")
    page.screenshot(path=ARTIFACTS / "player-saving-autocommit.png")


def test_what_is_left_when_the_page_goes_away_reaches_the_server(server, context):
    base_url, arrivals = server
    page, package = start(context, base_url)
    package.evaluate("probe.set('cmi.location', 'last-words')")  # no Commit, and no 5 seconds passed
    page.goto(f"{base_url}/healthz")
    page.goto(f"{base_url}/healthz?marker")
    assert arrivals.batch_with("cmi.location")["elements"][-1]["value"] == "last-words"
    assert [value for _, value in stored("cmi.location")] == ["last-words"]
    # Sent as the page went away, so it arrived before the next page asked for anything.
    assert arrivals.paths.index("/healthz?marker") > max(
        i for i, path in enumerate(arrivals.paths) if COMMIT_PATH.match(path))


def test_a_review_sends_nothing(server, context):
    base_url, arrivals = server
    page, package = start(context, base_url)
    package.evaluate("probe.set('cmi.location', 'final'); probe.set('cmi.completion_status', 'completed')")
    package.evaluate("probe.finish()")
    arrivals.batch_with("cmi.completion_status")
    page = student_page(context, base_url)
    page.click("text=Review")
    package = open_package(page)
    sent_before_review = len(arrivals.commits())
    package.evaluate("probe.set('cmi.location', 'changed in review')")
    package.evaluate("probe.commit()")
    page.clock.run_for(2 * AUTOCOMMIT_MS)
    page.screenshot(path=ARTIFACTS / "player-saving-review.png")
    package.evaluate("probe.finish()")
    page.goto(f"{base_url}/healthz")  # the page goes away: nothing is left to send either
    page.goto(f"{base_url}/healthz?marker")
    assert "/healthz?marker" in arrivals.paths
    assert len(arrivals.commits()) == sent_before_review
    assert [value for _, value in stored("cmi.location")] == ["final"]
