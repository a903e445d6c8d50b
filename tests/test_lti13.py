"""LTI 1.3 against a platform we did not write (lti1p3platform, tests/lms/lti13_platform.py), talking
HTTP to a running Examgate. The browser blocks every cookie, as Safari does inside an LMS iframe."""
import base64
import html
import json
import socket
import threading
from datetime import datetime, timedelta, timezone
from http.cookiejar import DefaultCookiePolicy

import jwt
import pytest
import requests
from werkzeug.serving import make_server

from lti_app.extensions import db
from lti_app.lti import advantage, keys
from lti_app.lti.outbound import TimeoutSession
from lti_app.models import Context, Enrolment, Launch, Resource, User
from lti_app.outcomes.replies import STORED
from lti_app.outcomes.transports import send_score
from lti_app.services import registrations, roster
from tests import factories
from tests.lms.lti13_platform import CLIENT_ID, DEPLOYMENT_ID, LocalPlatform
from tests.lms.outcome_service import unused_port


@pytest.fixture
def examgate(make_app):
    port = unused_port()
    app = make_app(SERVER_NAME=f"127.0.0.1:{port}", LTI_HTTP_TIMEOUT_SECONDS=5)
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with app.app_context():
        app.url = f"http://127.0.0.1:{port}"
        yield app
        db.session.remove()
    server.shutdown()
    thread.join()


@pytest.fixture
def platform(examgate):
    with LocalPlatform(examgate.url) as platform:
        yield platform


@pytest.fixture
def consumer(examgate, platform):
    consumer = factories.consumer()
    registrations.register(consumer, platform.url, CLIENT_ID, [DEPLOYMENT_ID], f"{platform.url}/authorize",
                           f"{platform.url}/token", f"{platform.url}/jwks")
    return consumer


@pytest.fixture
def browser():
    """A browser inside the LMS iframe with third-party cookies blocked."""
    session = requests.Session()
    session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    return session


def rows():
    db.session.expire_all()
    return tuple(model.query.count() for model in (Context, Resource, User, Launch, Enrolment))


def launch(platform, browser, kind="learner", **options):
    form, launch_url = platform.authorize(browser, kind, **options)
    return browser.post(launch_url, data=form, allow_redirects=False)


def test_learner_lands_on_the_student_page_without_cookies(platform, consumer, browser):
    reply = launch(platform, browser)
    assert reply.status_code == 302, reply.text
    recorded = Launch.query.one()
    assert reply.headers["Location"].startswith(f"/resources/{recorded.resource_id}?lt=")
    page = browser.get(platform.tool_url + reply.headers["Location"])
    assert page.status_code == 200 and "Week 1 quiz" in page.text and "Ada Learner" in page.text
    assert not browser.cookies  # nothing was stored in the browser
    assert (recorded.lti_version, recorded.role, recorded.user.lti_user_id) == ("1.3", "learner", "ada-sub")
    assert recorded.registration.consumer_id == consumer.id
    assert recorded.outcome_service_url == f"{platform.url}/lineitems"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in recorded.ags_scopes
    assert recorded.resource.context.memberships_url == f"{platform.url}/memberships"
    assert recorded.user.email == "ada@example.edu" and recorded.resource.context.title == "Algebra"


def test_instructor_lands_on_the_dashboard(platform, consumer, browser):
    reply = launch(platform, browser, "instructor")
    resource = Resource.query.one()
    # The link has no exam yet: the instructor lands on its exam page to set it up.
    assert reply.headers["Location"].startswith(f"/dashboard/resources/{resource.id}/exam?lt=")
    assert browser.get(platform.tool_url + reply.headers["Location"]).status_code == 200
    assert Launch.query.one().role == "instructor"


def test_a_teacher_elsewhere_who_is_a_learner_here_is_a_learner(platform, consumer, browser):
    lis = "http://purl.imsglobal.org/vocab/lis/v2/"
    reply = launch(platform, browser, "instructor", claims={"https://purl.imsglobal.org/spec/lti/claim/roles": [
        lis + "institution/person#Instructor", lis + "system/person#Administrator", lis + "membership#Learner"]})
    assert reply.headers["Location"].startswith("/resources/")
    assert Launch.query.one().role == "learner"


def _tamper(id_token):
    header, body, signature = id_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["sub"] = "mallory-sub"
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return ".".join((header, body, signature))


@pytest.mark.parametrize("options, code", [
    ({"claims": {"aud": "another-tool"}}, "wrong_audience"),
    ({"claims": {"https://purl.imsglobal.org/spec/lti/claim/deployment_id": "deployment-x"}}, "unknown_deployment"),
    ({"expires_in": -600}, "expired_token"),
])
def test_bad_id_tokens_are_refused_and_nothing_is_written(platform, consumer, browser, options, code):
    before = rows()
    reply = launch(platform, browser, **options)
    assert reply.status_code == 401 and code.replace("_", " ").capitalize() in reply.text
    assert rows() == before


def test_tampered_signature_is_refused_and_does_not_burn_the_launch(platform, consumer, browser):
    form, launch_url = platform.authorize(browser, "learner")
    before = rows()
    forged = browser.post(launch_url, data={**form, "id_token": _tamper(form["id_token"])})
    assert forged.status_code == 401 and "signature does not match" in forged.text
    assert rows() == before
    genuine = browser.post(launch_url, data=form, allow_redirects=False)
    assert genuine.status_code == 302 and User.query.one().lti_user_id == "ada-sub"


def test_replayed_id_token_is_refused(platform, consumer, browser):
    form, launch_url = platform.authorize(browser, "learner")
    assert browser.post(launch_url, data=form, allow_redirects=False).status_code == 302
    before = rows()
    replay = requests.post(launch_url, data=form, allow_redirects=False)
    assert replay.status_code == 401 and "already used" in replay.text
    assert rows() == before


def test_unknown_state_is_refused(platform, consumer, browser):
    form, launch_url = platform.authorize(browser, "learner")
    reply = browser.post(launch_url, data={**form, "state": "state-made-up"})
    assert reply.status_code == 401 and "Go back to the LMS" in reply.text
    assert rows() == (0, 0, 0, 0, 0)


def test_deep_linking_returns_a_graded_link_and_its_launch_attaches_the_exam(platform, consumer, browser):
    site_exam = factories.exam("Algebra test", "algebra-test")
    factories.exam("Own exam", "own-exam", consumer=consumer)
    other = factories.consumer(name="Other", key="other-key")
    factories.exam("Secret exam", "secret-exam", consumer=other)
    picker = launch(platform, browser, "deep-link")
    assert picker.status_code == 200
    assert "Algebra test" in picker.text and "Own exam" in picker.text and "Secret exam" not in picker.text
    token = picker.text.split('name="token" value="')[1].split('"')[0]

    answer = browser.post(f"{platform.tool_url}/lti/deep-link", data={"token": token, "exam_id": site_exam.id})
    assert answer.status_code == 200
    jwt_value = answer.text.split('name="JWT" value="')[1].split('"')[0]
    assert browser.post(f"{platform.url}/deep-link-return", data={"JWT": jwt_value}).status_code == 200
    [[item]] = platform.deep_links
    assert item["type"] == "ltiResourceLink" and item["url"] == f"{platform.tool_url}/lti/launch"
    assert item["lineItem"] == {"scoreMaximum": 100, "label": "Algebra test"}
    assert item["custom"] == {"exam": "algebra-test"}
    again = browser.post(f"{platform.tool_url}/lti/deep-link", data={"token": token, "exam_id": site_exam.id})
    assert again.status_code == 400  # the picker token is used up

    assert launch(platform, browser, custom=item["custom"]).status_code == 302
    resource = Resource.query.one()
    assert resource.exam.slug == "algebra-test" and resource.exam_version.number == 1


@pytest.mark.parametrize("link_history, context_history, copied", [
    ("link-2025", "", True),                            # one id
    ("link-gone,link-2025", "course-gone", True),       # several ids: the most recent known one
    ("link-gone", "course-gone", False),                # unknown ids
    ("link-foreign", "course-foreign", False),          # ids of another consumer
    ("$ResourceLink.id.history", "course-2025", True),  # no link history: the course's, by title
])
def test_the_custom_claim_carries_the_course_copy_history(platform, consumer, browser, link_history,
                                                          context_history, copied):
    last_year = factories.resource(factories.context(consumer, "course-2025", "Algebra 2025"), "Week 1 quiz",
                                   link_id="link-2025", max_attempts=3, time_limit_minutes=30)
    other = factories.consumer("Other LMS", key="other-key", secret="other-secret")
    factories.resource(factories.context(other, "course-foreign"), "Week 1 quiz", link_id="link-foreign",
                       max_attempts=9)
    reply = launch(platform, browser, link="link-2026",
                   custom={"resource_link_history": link_history, "context_history": context_history})
    assert reply.status_code == 302, reply.text
    db.session.expire_all()
    new = Resource.query.filter_by(consumer_id=consumer.id, lti_resource_link_id="link-2026").one()
    if copied:
        assert (new.copied_from_id, new.exam_version_id, new.max_attempts, new.time_limit_minutes) == (
            last_year.id, last_year.exam_version_id, 3, 30)
    else:
        assert (new.copied_from_id, new.exam_id, new.max_attempts) == (None, None, 0)


def test_learners_cannot_deep_link(platform, consumer, browser):
    platform_launch = launch(platform, browser, "deep-link", claims={
        "https://purl.imsglobal.org/spec/lti/claim/roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]})
    assert platform_launch.status_code == 403


def test_score_reaches_a_created_line_item_with_one_cached_token(platform, consumer, browser):
    launch(platform, browser)
    recorded = Launch.query.one()
    when = datetime.now(timezone.utc)
    verdict = send_score(recorded, 0.75, "Completed", "FullyGraded", when)
    assert verdict.action == STORED, verdict
    [(lineitem_url, item)] = platform.lineitems.items()
    assert item["resourceLinkId"] == "link-1" and item["scoreMaximum"] == 100
    assert recorded.resource.lineitem_url == lineitem_url
    [score] = platform.scores[lineitem_url]
    assert (score["userId"], score["scoreGiven"], score["scoreMaximum"]) == ("ada-sub", 75.0, 100)
    assert score["gradingProgress"] == "FullyGraded"
    tokens_before = len(platform.token_requests)
    later = when + timedelta(seconds=1)  # the platform, like Moodle, wants a later timestamp
    assert send_score(recorded, 0.8, "Completed", "FullyGraded", later).action == STORED
    assert len(platform.token_requests) == tokens_before and len(platform.lineitems) == 1
    assert [s["scoreGiven"] for s in platform.scores[lineitem_url]] == [75.0, 80.0]


def test_score_goes_to_the_line_item_the_platform_named(platform, consumer, browser):
    named = platform.add_lineitem(label="Week 1", scoreMaximum=10, resourceLinkId="link-1")["id"]
    launch(platform, browser, lineitem=named)
    verdict = send_score(Launch.query.one(), 1.0, "Completed", "FullyGraded",
                                        datetime.now(timezone.utc))
    assert verdict.action == STORED and len(platform.scores[named]) == 1 and len(platform.lineitems) == 1


def test_tokens_are_cached_per_client_id_not_per_issuer(platform, consumer, browser):
    other = registrations.register(factories.consumer(name="School B", key="b-key"), platform.url, "other-client",
                                   ["d"], f"{platform.url}/authorize", f"{platform.url}/token",
                                   f"{platform.url}/jwks")
    scopes = ["https://purl.imsglobal.org/spec/lti-ags/scope/score"]
    ours = advantage.connector(consumer.registrations[0])
    token = ours.get_access_token(scopes)
    assert advantage.connector(consumer.registrations[0]).get_access_token(scopes) == token
    assert len(platform.token_requests) == 1  # the second connector found the token in Redis
    # School B shares the issuer but not the client: it asks for a token of its own, then keeps it.
    advantage.connector(other).get_access_token(scopes)
    advantage.connector(other).get_access_token(scopes)
    asked_by = [jwt.decode(r["client_assertion"], options={"verify_signature": False})["sub"]
                for r in platform.token_requests]
    assert asked_by == [CLIENT_ID, "other-client"]


def test_roster_lists_learners_who_never_started(platform, consumer, browser):
    launch(platform, browser, "instructor")
    resource = Resource.query.one()
    result = roster.sync(resource.context)
    assert (result.members, result.added) == (2, 2)
    bob = User.query.filter_by(lti_user_id="bob-sub").one()
    assert Enrolment.query.filter_by(user_id=bob.id).one().source == "roster"
    assert [u.lti_user_id for u in roster.never_started(resource)] == ["ada-sub", "bob-sub"]
    assert User.query.filter_by(lti_user_id="cy-sub").count() == 0  # deleted members are not added


def test_a_roster_with_overlong_fields_keeps_what_fits(platform, consumer, browser):
    launch(platform, browser, "instructor")
    platform.members += [{"user_id": "x" * 5000, "name": "Too long an id", "roles": ["Learner"]},
                         {"user_id": "long-sub", "name": "n" * 5000, "email": "e" * 5000 + "@example.edu",
                          "roles": ["Learner"]}]
    assert roster.sync(Resource.query.one().context).added == 3
    db.session.expire_all()
    long_named = User.query.filter_by(lti_user_id="long-sub").one()
    assert (len(long_named.name), long_named.email) == (300, "")
    assert User.query.filter_by(name="Too long an id").count() == 0


@pytest.fixture
def silent_url():
    """A port that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/jwks"
    listener.close()


def test_outbound_session_always_has_a_timeout(silent_url):
    with pytest.raises(requests.Timeout):
        TimeoutSession(0.2).get(silent_url)


def test_a_silent_key_set_refuses_the_launch_within_the_timeout(platform, consumer, browser, silent_url, examgate):
    examgate.config["LTI_HTTP_TIMEOUT_SECONDS"] = 0.3
    registration = consumer.registrations[0]
    registration.key_set_url = silent_url
    db.session.commit()
    reply = launch(platform, browser)
    assert reply.status_code == 401 and "public key" in reply.text and rows() == (0, 0, 0, 0, 0)


def test_jwks_publishes_the_signing_key_and_the_previous_one_after_rotation(examgate, platform):
    first = keys.signing_key().kid
    published = requests.get(f"{examgate.url}/lti/jwks.json").json()["keys"]
    assert [k["kid"] for k in published] == [first] and published[0]["alg"] == "RS256"
    runner = examgate.test_cli_runner()
    second = runner.invoke(args=["lti13", "rotate-key"]).output.split("kid: ")[1].strip()
    assert keys.signing_key().kid == second
    assert {k["kid"] for k in requests.get(f"{examgate.url}/lti/jwks.json").json()["keys"]} == {first, second}
    runner.invoke(args=["lti13", "rotate-key"])
    assert first not in {k["kid"] for k in requests.get(f"{examgate.url}/lti/jwks.json").json()["keys"]}


def test_roster_button_shows_who_never_started(platform, consumer, browser):
    landing = launch(platform, browser, "instructor").headers["Location"]
    resource = Resource.query.one()
    token = landing.split("lt=")[1]
    reply = browser.post(f"{platform.tool_url}/dashboard/resources/{resource.id}/roster?lt={token}")
    assert reply.status_code == 200 and "Bob Absent" in reply.text and "Tom Teacher" not in reply.text


def test_a_finished_attempt_reaches_the_line_item_through_the_outcome_pipeline(platform, consumer, browser,
                                                                               run_jobs):
    """The same pipeline as LTI 1.1: attempt_changed records the outcome, the job sends it by AGS."""
    from lti_app.models import Outcome
    from lti_app import outcomes

    launch(platform, browser)
    recorded = Launch.query.one()
    recorded.resource.report_mode = "on_completion"
    attempt = factories.launch_attempt(recorded, score=0.5, status="finished")
    outcomes.attempt_changed(attempt)
    run_jobs()
    outcome = Outcome.query.one()
    db.session.refresh(outcome)
    assert (outcome.state, outcome.sent_score) == ("sent", 0.5)
    [scores] = platform.scores.values()
    assert [(s["userId"], s["scoreGiven"], s["gradingProgress"]) for s in scores] == [("ada-sub", 50.0, "FullyGraded")]


CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
MESSAGE_TYPE = CLAIM + "message_type"


@pytest.mark.parametrize("claims, words", [
    ({"nonce": "a-nonce-of-another-login"}, "does not belong to this login (nonce mismatch)"),
    ({"iss": "https://another-lms.example"}, "comes from another issuer than the login"),
    ({"aud": [CLIENT_ID, "another-tool"], "azp": None}, "names several audiences but not Examgate as the authorised party"),
    ({MESSAGE_TYPE: "LtiSubmissionReviewRequest", CLAIM + "for_user": {"user_id": "ada-sub"},
      "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {"lineitem": "https://lms.example/lineitems/9"}},
     "Examgate does not handle LtiSubmissionReviewRequest messages"),
])
def test_an_id_token_that_does_not_fit_its_login_is_refused(platform, consumer, browser, claims, words):
    reply = launch(platform, browser, claims=claims)
    assert reply.status_code in (400, 401) and words in html.unescape(reply.text), reply.text
    assert "Traceback" not in reply.text and rows() == (0, 0, 0, 0, 0)


def test_several_audiences_with_examgate_as_authorised_party_are_accepted(platform, consumer, browser):
    reply = launch(platform, browser, claims={"aud": [CLIENT_ID, "another-tool"], "azp": CLIENT_ID})
    assert reply.status_code == 302 and Launch.query.one().user.lti_user_id == "ada-sub"


def test_a_disabled_consumer_can_neither_log_in_nor_launch(platform, consumer, browser):
    form, launch_url = platform.authorize(browser, "learner")
    consumer.enabled = False
    db.session.commit()
    reply = browser.post(launch_url, data=form, allow_redirects=False)
    assert reply.status_code == 401 and rows() == (0, 0, 0, 0, 0)
    login = browser.get(f"{platform.tool_url}/lti/login", params={**platform.login_params, "login_hint": "ada-sub",
                                                                  "target_link_uri": launch_url},
                        allow_redirects=False)
    assert login.status_code == 400 and "not registered with Examgate for LTI 1.3" in login.text


@pytest.mark.parametrize("change, words", [
    ({"iss": "https://unknown-lms.example"}, "not registered with Examgate for LTI 1.3"),
    ({"client_id": "unknown-client"}, "not registered with Examgate for LTI 1.3"),
    ({"login_hint": None}, "login request is incomplete"),
])
def test_a_bad_login_initiation_is_refused_with_the_reason(platform, consumer, browser, change, words):
    params = {**platform.login_params, "login_hint": "ada-sub", "target_link_uri": f"{platform.tool_url}/lti/launch",
              **change}
    reply = browser.get(f"{platform.tool_url}/lti/login", params={k: v for k, v in params.items() if v},
                        allow_redirects=False)
    assert reply.status_code == 400 and words in html.unescape(reply.text), reply.text


def test_one_issuer_shared_by_several_clients(platform, consumer, browser):
    school_b = factories.consumer(name="School B", key="b-key")
    registrations.register(school_b, platform.url, "school-b-client", [DEPLOYMENT_ID], f"{platform.url}/authorize",
                           f"{platform.url}/token", f"{platform.url}/jwks")
    assert launch(platform, browser).status_code == 302
    assert Launch.query.one().consumer_id == consumer.id and User.query.one().consumer_id == consumer.id
    # Without a client id the issuer alone cannot say which school is logging in.
    params = {**platform.login_params, "login_hint": "ada-sub", "target_link_uri": f"{platform.tool_url}/lti/launch"}
    del params["client_id"]
    reply = browser.get(f"{platform.tool_url}/lti/login", params=params, allow_redirects=False)
    assert reply.status_code == 400 and "not registered with Examgate for LTI 1.3" in html.unescape(reply.text)


@pytest.mark.parametrize("where", ["a missing service", "an unreachable host"])
def test_a_roster_the_lms_does_not_send_changes_nothing(platform, consumer, browser, where):
    token = launch(platform, browser, "instructor").headers["Location"].split("lt=")[1]
    resource = Resource.query.one()
    resource.context.memberships_url = {"a missing service": f"{platform.url}/no-such-service",
                                        "an unreachable host": f"http://127.0.0.1:{unused_port()}/memberships"}[where]
    db.session.commit()
    before = rows()
    reply = browser.post(f"{platform.tool_url}/dashboard/resources/{resource.id}/roster?lt={token}")
    # htmx swaps only 2xx answers: the refusal is said in the card the instructor clicked in
    assert reply.status_code == 200 and "The LMS did not send the roster" in html.unescape(reply.text)
    assert rows() == before and "Traceback" not in reply.text
