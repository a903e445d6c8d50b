"""Every dashboard and player route refuses people who may not see its rows: a student of the same
context, an instructor of another context, an instructor of another consumer. The routes are read from
the app's URL map, so a new route is covered (or fails here until it is given ids)."""
import pytest

from lti_app import tokens
from lti_app.blueprints.player.routes import PLAYER_TOKEN
from lti_app.models import AccessChange, Discount, Lti13Registration, Outcome, Remark, RemarkJob, Report
from lti_app.services import api_keys
from lti_app.services.storage import store_bytes
from tests import factories

CHECKED_BLUEPRINTS = ("dashboard", "student", "player")


def _rows(world):
    from lti_app.extensions import db

    remark = Remark(attempt_id=world.attempt.id, item_id="q0", score=2, reason="typo", created_by="t")
    discount = Discount(resource_id=world.resource.id, item_id="q1", mode="remove", created_by="t")
    change = AccessChange(resource_id=world.resource.id, user_id=world.student.id, extra_attempts=1)
    job = RemarkJob(resource_id=world.resource.id, state="finished")
    registration = Lti13Registration(consumer_id=world.consumer.id, issuer="https://lms.test", client_id="tool-1",
                                     auth_login_url="https://lms.test/auth", auth_token_url="https://lms.test/token",
                                     key_set_url="https://lms.test/jwks")
    outcome = Outcome(consumer_id=world.consumer.id, resource_id=world.resource.id, user_id=world.student.id,
                      score=0.5, state="failed")
    report = Report(resource_id=world.resource.id, kind="scores", state="ready", filename="scores.csv",
                    file=store_bytes(b"user_id,name\r\nstudent-1,Ada Learner\r\n"))
    db.session.add_all([remark, discount, change, job, registration, outcome, report])
    db.session.commit()
    api_key = api_keys.create_key(world.admin.email, "the classroom's admin")
    return {"consumer_id": world.consumer.id, "context_id": world.context.id, "resource_id": world.resource.id,
            "attempt_id": world.attempt.id, "user_id": world.student.id, "remark_id": remark.id,
            "discount_id": discount.id, "access_change_id": change.id, "job_id": job.id,
            "registration_id": registration.id, "outcome_id": outcome.id, "key_id": api_key.key_id,
            "report_id": report.id,
            "path": "index.html",
            # A player token for some other attempt: the URL names this attempt, the token does not.
            "token": tokens.sign(PLAYER_TOKEN, {"a": 0, "s": "", "m": "normal"})}


def _routes(app, ids):
    """(method, url, endpoint) for every checked route, with the ids of the classroom's rows."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in CHECKED_BLUEPRINTS:
            continue
        missing = set(rule.arguments) - set(ids)
        assert not missing, f"give tests/test_dashboard_access.py an id for {missing} ({rule.rule})"
        url = rule.build({name: ids[name] for name in rule.arguments})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, url, rule.endpoint))
    return routes


@pytest.fixture
def world(app):
    world = factories.classroom()
    world.ids = _rows(world)
    return world


def _as(client, person):
    factories.sign_in(client, person)
    return client


SECRETS = (b"Week 1 quiz", b"Ada Learner", b"Algebra")  # the classroom's resource, student and course
SEARCHES = {"q": "Ada", "student": "Ada"}


@pytest.mark.parametrize("intruder", ["classmate", "other_instructor", "foreign_instructor"])
def test_every_route_refuses_people_outside_it(app, client, world, intruder):
    """Pages about a row answer 404; pages that list (no id in the URL) show none of the classroom."""
    _as(client, getattr(world, intruder))
    for method, url, endpoint in _routes(app, world.ids):
        response = client.open(url, method=method, query_string=SEARCHES if method == "GET" else None)
        if url.rstrip("/") in _lists(app) and response.status_code == 200:
            assert not any(secret in response.data for secret in SECRETS), f"{intruder} saw data on {url}"
        else:
            assert response.status_code == 404, f"{intruder} got {response.status_code} from {method} {url}"


def test_students_do_not_reach_the_dashboard(app, client, world):
    _as(client, world.student)
    for method, url, endpoint in _routes(app, world.ids):
        if endpoint.startswith("dashboard."):
            assert client.open(url, method=method).status_code == 404, f"{method} {url}"


def test_signed_out_visitors_are_sent_to_login(app, client, world):
    for method, url, endpoint in _routes(app, world.ids):
        if endpoint.startswith("dashboard."):
            response = client.open(url, method=method)
            assert response.status_code == 302 and "/auth/login" in response.location, f"{method} {url}"


def test_the_right_people_get_every_page(app, client, world):
    """The context's instructor gets every dashboard page, the consumer's administrator the admin-only
    ones, and the student their own pages."""
    for method, url, endpoint in _routes(app, world.ids):
        if method != "GET" or endpoint in ("player.file", "player.content_api"):  # real tokens: tests/test_player.py
            continue
        if endpoint.startswith("dashboard."):
            admin_only = getattr(app.view_functions[endpoint], "admin_only", False)
            _as(client, world.admin if admin_only else world.instructor)
        else:
            _as(client, world.student)
        response = client.get(url)
        assert response.status_code == 200, f"{endpoint}: {url} gave {response.status_code}"


def test_instructors_do_not_reach_admin_pages(app, client, world):
    _as(client, world.instructor)
    for method, url, endpoint in _routes(app, world.ids):
        if getattr(app.view_functions[endpoint], "admin_only", False):
            assert client.open(url, method=method).status_code == 404, url


def test_an_administrator_of_another_consumer_is_refused(app, client, world):
    other_admin = factories.admin("other-admin@example.edu", consumers=[world.other_consumer])
    _as(client, other_admin)
    for method, url, endpoint in _routes(app, world.ids):
        if not endpoint.startswith("dashboard."):
            continue
        response = client.open(url, method=method, query_string=SEARCHES if method == "GET" else None)
        if url.rstrip("/") in _lists(app) and response.status_code == 200:
            assert not any(secret in response.data for secret in SECRETS), f"saw data on {url}"
        else:
            assert response.status_code == 404, f"{method} {url}"


def _lists(app):
    """Pages without an id in their URL: they list what the viewer may see rather than refuse."""
    return {rule.rule.rstrip("/") for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith("dashboard.") and not rule.arguments}


def test_a_wrong_id_is_404_not_data(client, world):
    _as(client, world.instructor)
    assert client.get("/dashboard/attempts/999999").status_code == 404
    response = client.get(f"/dashboard/resources/{world.other_resource.id}")
    assert response.status_code == 404 and b"Geometry quiz" not in response.data
