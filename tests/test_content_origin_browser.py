"""A hostile package, in a real Chromium: while a superuser reviews its attempt, its script tries to
act with the superuser's session. Every try fails, with package files on the app's own host (an
opaque origin) and on a content host. And only a registered LMS may frame Examgate's pages."""
import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from lti_app.extensions import db
from lti_app.models import ApiKey
from lti_app.services import exams
from tests import factories
from tests.conftest import ARTIFACTS, serve
from tests.content_modes import MODES, in_mode
from tests.packages.build import MINIMAL_MANIFEST, zip_files

pytestmark = pytest.mark.browser
PASSWORD = "superuser-password"

# Each try records "blocked", or what it got. `target` is Examgate's own address, which an attacker knows.
HOSTILE_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Innocent exam</title></head>
<body><h1>Innocent exam</h1><pre id="results" data-done="no"></pre>
<script>
const target = %(target)s;
const results = {};
async function attempt(name, action) {
  try { results[name] = (await action()) || "blocked"; } catch (error) { results[name] = "blocked"; }
}
async function read(url) {
  const response = await fetch(url, {credentials: "include"});
  const text = await response.text();
  return response.ok ? "read " + url + ": " + text.slice(0, 80) : null;
}
(async function () {
  await attempt("cookie", () => document.cookie ? "cookie: " + document.cookie : null);
  await attempt("parent_location", () => "parent at " + parent.location.href);
  await attempt("top_location", () => "top at " + top.location.href);
  await attempt("dashboard", () => read(target + "/dashboard/api-keys"));
  await attempt("dashboard_relative", () => read("/dashboard/api-keys"));
  await attempt("api", () => read(target + "/api/v1/consumers"));
  await attempt("api_relative", () => read("/api/v1/consumers"));
  await attempt("create_key", async () => {
    // What the attack needs: the CSRF token from the dashboard page, then a POST with the session.
    let token = "";
    try {
      const page = await (await fetch(target + "/dashboard/api-keys", {credentials: "include"})).text();
      token = (page.match(/name="csrf_token"[^>]*value="([^"]+)"/) || [])[1] || "";
    } catch (error) { /* unreadable: try without */ }
    const form = new FormData();
    form.append("name", "stolen");
    form.append("csrf_token", token);
    const response = await fetch(target + "/dashboard/api-keys", {method: "POST", body: form, credentials: "include"});
    const text = await response.text();
    return /egk_/.test(text) ? "created a key: " + text.match(/egk_[A-Za-z0-9_-]+/)[0] : null;
  });
  await attempt("form_post", () => {
    const form = document.createElement("form");
    form.method = "post";
    form.action = target + "/dashboard/api-keys";
    form.target = "_blank";
    form.innerHTML = '<input name="name" value="stolen-by-form">';
    document.body.appendChild(form);
    form.submit();
    return null;
  });
  document.getElementById("results").textContent = JSON.stringify(results);
  document.getElementById("results").dataset.done = "yes";
})();
</script></body></html>"""


@pytest.fixture(params=MODES)
def hostile(make_app, request):
    """A superuser, and a finished attempt at an exam whose package attacks whoever opens it."""
    # As in production (https): the session cookie goes with cross-site requests, so only the origin
    # boundary and the CSRF token stand between the package and the session.
    app = make_app(SERVER_NAME=None, WTF_CSRF_ENABLED=True, SESSION_COOKIE_SECURE=True, SESSION_COOKIE_SAMESITE="None")
    with serve(app) as url:
        url = in_mode(app, url, request.param)
        page = (HOSTILE_PAGE % {"target": json.dumps(url)}).encode()
        version = exams.upload(zip_files({"imsmanifest.xml": MINIMAL_MANIFEST, "index.html": page}),
                               title="Innocent exam")
        resource = factories.exam_resource(factories.consumer(), version, link_id="hostile")
        student = factories.learner(resource.consumer)
        attempt = factories.attempt(resource, student, cmi=[("cmi.location", "q1")])
        factories.admin("root@example.edu", PASSWORD, superuser=True)
        yield url, attempt.id, request.param


def test_a_hostile_package_gets_nothing_from_a_reviewing_superuser(hostile, browser):
    url, attempt_id, mode = hostile
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    popups = []
    context.on("page", lambda popup: popups.append(popup))
    page = context.new_page()
    page.goto(f"{url}/auth/login")
    page.fill('input[name="email"]', "root@example.edu")
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_url(f"{url}/dashboard/")
    assert "API keys" in context.request.get(f"{url}/dashboard/api-keys").text()  # a session worth stealing
    page.goto(f"{url}/attempts/{attempt_id}/play")
    results = page.frame_locator("#player-frame").locator('#results[data-done="yes"]')
    results.wait_for(timeout=20000)
    for popup in popups[1:]:
        popup.wait_for_load_state()
    page.screenshot(path=ARTIFACTS / f"hostile-package-{mode}.png")

    assert json.loads(results.inner_text()) == {
        name: "blocked" for name in ("cookie", "parent_location", "top_location", "dashboard", "dashboard_relative",
                                     "api", "api_relative", "create_key", "form_post")}
    db.session.remove()
    assert ApiKey.query.count() == 0
    files_at = "" if mode == "single-host" else url.replace("localhost", "127.0.0.1")
    assert page.locator("#player-frame").get_attribute("src").startswith(f"{files_at}/play/")
    context.close()


@contextmanager
def lms_page(html):
    """Another origin on this machine (a port of its own) serving one page, as an LMS course page."""
    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(html.encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def test_only_a_registered_lms_may_frame_examgate(live_server, browser):
    app, url = live_server
    page = browser.new_page()

    def framed_text(lms):
        page.goto(f"{lms}/course")
        frame = page.locator("#tool").element_handle().content_frame()
        frame.wait_for_load_state()
        return frame.evaluate("() => document.body.innerText") if frame.url.startswith(url) else ""

    with lms_page(f'<iframe id="tool" src="{url}/auth/login" width="600" height="400"></iframe>') as lms:
        assert "Administrator sign in" not in framed_text(lms)
        factories.consumer()
        launched = page.context.request.post(f"{url}/lti/launch", max_redirects=0, form=factories.signed_launch(
            url=f"{url}/lti/launch", launch_presentation_return_url=f"{lms}/mod/lti/return.php"))
        assert launched.status == 302
        assert "Administrator sign in" in framed_text(lms)
        page.screenshot(path=ARTIFACTS / "framed-by-registered-lms.png")
    page.close()
