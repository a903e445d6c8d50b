"""The student page and the player over HTTP: start, files, commits, review, second windows, no session."""
import json
import re
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest

from lti_app.extensions import db
from lti_app.models import Attempt, CmiElement, Resource
from lti_app.services import exams
from tests import factories
from tests.packages.build import quiz12_zip


@pytest.fixture
def launched(app, client):
    """A learner launched on a resource running the demo quiz; returns the launch token."""
    consumer = factories.consumer()
    factories.exam_resource(consumer, factories.uploaded_exam())
    response = factories.launch(client)
    return parse_qs(urlsplit(response.location).query)["lt"][0]


def open_player(client, lt, attempt_id=None, **args):
    if attempt_id is None:
        response = client.post("/resources/1/attempts", data={"lt": lt})
        assert response.status_code == 303
        attempt_id = int(re.search(r"/attempts/(\d+)/play", response.location).group(1))
    page = client.get(f"/attempts/{attempt_id}/play", query_string={"lt": lt, **args})
    assert page.status_code == 200, page.data
    settings = json.loads(re.search(rb'id="player-settings">(.*?)</script>', page.data, re.S).group(1))
    return settings


def batch(sequence=1, **elements):
    return {"batch_id": uuid.uuid4().hex, "sequence": sequence,
            "elements": [{"key": k.replace("__", "."), "value": v} for k, v in elements.items()]}


def test_student_page_starts_one_attempt_and_the_player_restores_it(client, launched):
    page = client.get("/resources/1", query_string={"lt": launched})
    assert b"Start the exam" in page.data and b"Open." in page.data
    settings = open_player(client, launched)
    assert settings["mode"] == "normal" and settings["version"] == "2004"
    assert settings["lms"] == {"cmi.entry": "ab-initio", "cmi.mode": "normal", "cmi.learner_id": "student-1",
                               "cmi.learner_name": "Ada Learner", "cmi.credit": "credit"}
    sent = client.post(settings["commitUrl"], data=json.dumps(batch(cmi__location="q1", cmi__suspend_data="{}")),
                       content_type="text/plain")
    assert sent.status_code == 200 and sent.json["result"] is True and sent.json["duplicate"] is False
    again = open_player(client, launched, attempt_id=1)
    assert again["lms"]["cmi.entry"] == "resume" and again["state"]["cmi.location"] == "q1"
    assert again["nextSequence"] == 2
    client.post("/resources/1/attempts", data={"lt": launched})
    assert Attempt.query.count() == 1
    assert b"Resume" in client.get("/resources/1", query_string={"lt": launched}).data


def test_package_files_run_in_an_opaque_origin_with_types_and_caching(client, launched):
    settings = open_player(client, launched)
    assert settings["launchUrl"].endswith("/files/index.html")
    html = client.get(settings["launchUrl"])
    assert html.status_code == 200 and html.mimetype == "text/html" and b"Examgate demo quiz" in html.data
    sandbox = html.headers["Content-Security-Policy"]
    assert sandbox.startswith("sandbox allow-scripts") and "allow-same-origin" not in sandbox
    assert html.headers["Referrer-Policy"] == "no-referrer" and "no-store" in html.headers["Cache-Control"]
    api_url = re.search(rb'<head><script src="([^"]+)"></script>', html.data).group(1).decode()
    assert api_url == settings["launchUrl"].replace("files/index.html", "api.js")
    script = client.get(settings["launchUrl"].replace("index.html", "quiz.js"))
    assert script.mimetype == "text/javascript" and script.headers["Content-Security-Policy"] == sandbox
    assert "private" in script.headers["Cache-Control"] and "max-age=86400" in script.headers["Cache-Control"]
    assert client.get(settings["launchUrl"].replace("index.html", "missing.js")).status_code == 404
    assert client.get(settings["launchUrl"].replace("index.html", "../../../etc/passwd")).status_code == 404
    forged = re.sub(r"/play/1/[^/]+/", "/play/1/forged/", settings["launchUrl"])
    assert client.get(forged).status_code == 404
    commit_token = parse_qs(urlsplit(settings["commitUrl"]).query)["token"][0]
    assert client.get(re.sub(r"/play/1/[^/]+/", f"/play/1/{commit_token}/", settings["launchUrl"])).status_code == 404


def test_the_package_starts_with_the_attempt_s_values_never_cached(client, launched):
    settings = open_player(client, launched)
    client.post(settings["commitUrl"], data=json.dumps(batch(
        cmi__suspend_data='{"q0":"4"}', cmi__location="q1", cmi__objectives__0__id="q0",
        cmi__interactions__1__objectives__0__id="q0", numbas__user_role="student", cmi__session_time="PT9S")))
    resumed = open_player(client, launched, attempt_id=1)
    api = client.get(resumed["launchUrl"].replace("files/index.html", "api.js"))
    assert api.mimetype == "text/javascript" and "no-store" in api.headers["Cache-Control"]
    assert "CrossFrameAPI" in api.text and "sourceMappingURL" not in api.text
    config = json.loads(re.search(r"examgateContentApi\((.*)\);", api.text).group(1))
    assert config["playerOrigin"] == "http://examgate.test" and config["version"] == "2004"
    values = config["values"]
    assert values["cmi.suspend_data"] == '{"q0":"4"}' and values["cmi.location"] == "q1"
    assert values["numbas.user_role"] == "student" and "cmi.session_time" not in values
    assert values["cmi.entry"] == "resume" and values["cmi.learner_name"] == "Ada Learner"
    assert values["cmi.objectives._count"] == "1" and values["cmi.interactions._count"] == "2"
    assert values["cmi.interactions.1.objectives._count"] == "1" and values["cmi.comments_from_lms._count"] == "0"


def test_a_deleted_attempt_s_files_are_not_served_with_its_old_token(client, launched):
    from lti_app.services import attempts

    settings = open_player(client, launched)
    api_url = settings["launchUrl"].replace("files/index.html", "api.js")
    assert client.get(settings["launchUrl"]).status_code == 200 and client.get(api_url).status_code == 200
    attempts.delete_attempt(Attempt.query.one(), by="teacher")
    assert client.get(settings["launchUrl"]).status_code == 404 and client.get(api_url).status_code == 404


def test_commit_refusals_are_json_with_a_reason(client, launched):
    settings = open_player(client, launched)
    bad_token = client.post("/play/1/commit?token=forged", data=json.dumps(batch()))
    assert bad_token.status_code == 404 and bad_token.json["error"]["code"] == "bad_token"
    not_json = client.post(settings["commitUrl"], data=b"{oops")
    assert not_json.status_code == 400 and not_json.json["error"]["code"] == "bad_commit"
    newer = open_player(client, launched, attempt_id=1)
    old_window = client.post(settings["commitUrl"], data=json.dumps(batch(cmi__location="old")))
    assert old_window.status_code == 409 and old_window.json["error"]["code"] == "superseded"
    assert "another window" in old_window.json["error"]["message"]
    assert client.post(newer["commitUrl"], data=json.dumps(batch(cmi__location="new"))).status_code == 200


def test_review_sessions_save_nothing(client, launched):
    settings = open_player(client, launched)
    end = batch(cmi__exit="normal", cmi__session_time="PT10S")
    client.post(settings["commitUrl"], data=json.dumps({**end, "end": "terminate"}))
    assert Attempt.query.one().status == "finished"
    review = open_player(client, launched, attempt_id=1)
    assert review["mode"] == "review"
    refused = client.post(review["commitUrl"], data=json.dumps(batch(2, cmi__location="x")))
    assert refused.status_code == 409 and refused.json["error"]["code"] == "review_session"
    assert CmiElement.query.filter_by(key="cmi.location").count() == 0


def test_student_review_can_be_switched_off(client, launched):
    settings = open_player(client, launched)
    client.post(settings["commitUrl"], data=json.dumps({**batch(cmi__exit=""), "end": "terminate"}))
    Resource.query.one().allow_student_review = False
    db.session.commit()
    page = client.get("/attempts/1/play", query_string={"lt": launched})
    assert page.status_code == 403 and b"not allowed" in page.data


def test_other_students_and_strangers_cannot_open_an_attempt(app, client, launched):
    open_player(client, launched)
    other = factories.launch(app.test_client(), user_id="student-2")
    other_lt = parse_qs(urlsplit(other.location).query)["lt"][0]
    assert client.get("/attempts/1/play", query_string={"lt": other_lt}).status_code == 404


def test_no_usable_session_explains_and_starts_nothing(app, launched):
    stranger = app.test_client()
    page = stranger.get("/resources/1")
    assert page.status_code == 401 and b"Open in a new window" in page.data
    assert stranger.post("/resources/1/attempts").status_code == 401
    assert stranger.get("/attempts/1/play").status_code == 401
    assert Attempt.query.count() == 0


def test_an_instructor_reviews_any_attempt_and_a_deleted_one_is_hidden_from_its_student(app, client, launched):
    from lti_app.services import attempts

    open_player(client, launched)
    teacher = factories.launch(app.test_client(), person=factories.INSTRUCTOR)
    teacher_lt = parse_qs(urlsplit(teacher.location).query)["lt"][0]
    review = open_player(app.test_client(), teacher_lt, attempt_id=1)
    assert review["mode"] == "review"
    attempts.delete_attempt(Attempt.query.one(), by="teacher")
    assert client.get("/attempts/1/play", query_string={"lt": launched}).status_code == 404
    assert b"attempt-1" not in client.get("/resources/1", query_string={"lt": launched}).data


def test_a_scorm_12_exam_gets_its_own_runtime(app, client, launched):
    exams.replace_version(Resource.query.one(), factories.uploaded_exam(data=quiz12_zip()))
    page = client.post("/resources/1/attempts", data={"lt": launched}, follow_redirects=True)
    assert b"vendor/scorm12.min.js" in page.data and b'"version": "1.2"' in page.data


def test_student_page_shows_scores_re_marks_and_a_closed_exam(client, launched):
    from datetime import timedelta

    from lti_app.models import Remark
    from lti_app.models.base import utcnow

    settings = open_player(client, launched)
    client.post(settings["commitUrl"], data=json.dumps(batch(cmi__score__scaled="0.5")))
    page = client.get("/resources/1", query_string={"lt": launched}).data.decode()
    # An unfinished attempt's score is half a story: the student sees it once they finish.
    assert "50%" not in page and "when you finish" in page and "re-marked" not in page
    db.session.add(Remark(attempt_id=1, item_id="q0", score=1, created_by="teacher"))
    Resource.query.one().available_until = utcnow() - timedelta(hours=1)
    db.session.commit()
    page = client.get("/resources/1", query_string={"lt": launched}).data.decode()
    # The exam's close hands the unfinished attempt in: now its score is the whole story.
    assert "re-marked" in page and "This exam closed on" in page and "when you finish" not in page
    assert re.search(r'badge ok">finished</span>.*?50%', page, re.S)
    assert "Resume" not in page and "start-attempt" not in page


def test_a_package_that_never_started_is_recorded_for_the_instructor(client, launched):
    settings = open_player(client, launched)
    clock = json.loads(re.search(rb'id="player-clock-settings">(.*?)</script>',
                                 client.get("/attempts/1/play", query_string={"lt": launched}).data, re.S).group(1))
    assert clock["deadline"] is None and clock["review"] is False
    stale = client.post(settings["commitUrl"].replace("/commit", "/not-started"))  # the window taken over above
    assert stale.status_code == 409 and stale.json["error"]["code"] == "superseded"
    assert client.post("/play/1/not-started?token=forged").status_code == 404
    reported = client.post(clock["notStartedUrl"])
    assert reported.status_code == 200 and reported.json == {"result": True}
    db.session.expire_all()
    assert Attempt.query.one().package_not_started_at is not None


@pytest.mark.parametrize("allowed, offered", [(2, "Start attempt 2 of 2"), (0, "Start a new attempt"),
                                              (1, "You have used all your attempts")])
def test_after_finishing_the_student_is_offered_only_what_the_instructor_chose(client, launched, allowed, offered):
    Resource.query.one().max_attempts = allowed
    db.session.commit()
    settings = open_player(client, launched)
    end = {**batch(cmi__completion_status="completed", cmi__exit="normal"), "end": "terminate"}
    assert client.post(settings["commitUrl"], data=json.dumps(end)).json["status"] == "finished"
    page = client.get("/resources/1", query_string={"lt": launched}).data.decode()
    assert offered in page and ("start-attempt" in page) == (allowed != 1)
