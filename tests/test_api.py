"""The admin API: signed requests, each error class, scoping, and the operations."""
import csv
import hashlib
import hmac
import io
import re
import time
from urllib.parse import urlencode

import pytest

from lti_app.api import signing
from lti_app.extensions import db
from lti_app.models import Consumer, Context, Exam, Report, Resource, StoredFile
from lti_app.services.reports import request_report
from tests import factories
from tests.factories import signed_api_params
from tests.packages.build import quiz2004_zip


def call(client, method, path, signer, sign_with=None, timestamp=None, nonce=None, **params):
    signed = signed_api_params(signer, sign_with, timestamp, nonce, **params)
    if method == "GET":
        return client.get(f"/api/v1{path}", query_string=signed)
    return client.open(f"/api/v1{path}", method=method, data=signed)


def error_of(response):
    assert response.is_json, response.data
    error = response.json["error"]
    assert set(error) == {"code", "message", "param"} and error["message"]
    return error


@pytest.fixture
def key(app):
    return factories.api_key()


# Signatures

def test_canonical_string_sorts_by_name_and_leaves_out_the_signature():
    params = {"nonce": "n1", "api_key": "k", "name": "Moodle & Co", "signature": "ignored", "timestamp": "1"}
    assert signing.canonical_string(params) == "api_key=k&name=Moodle & Co&nonce=n1&timestamp=1"
    expected = hmac.new(b"s3cret", b"api_key=k&name=Moodle & Co&nonce=n1&timestamp=1", hashlib.sha256).hexdigest()
    assert signing.sign("s3cret", params) == expected
    assert signing.verify("s3cret", {**params, "signature": expected})
    assert not signing.verify("other", {**params, "signature": expected})


def test_verify_refuses_garbage_signatures_without_raising():
    assert not signing.verify("s", {"a": "1", "signature": "é" * 64})
    assert not signing.verify("s", {"a": "1"})


def test_a_signed_request_is_answered(client, key):
    response = call(client, "GET", "/consumers", key)
    assert response.status_code == 200 and response.json == {"consumers": []}


# 403: key, signature, timestamp, nonce

@pytest.mark.parametrize("missing", ["api_key", "timestamp", "nonce", "signature"])
def test_each_missing_credential_is_refused_by_name(client, key, missing):
    params = signed_api_params(key)
    del params[missing]
    response = client.get("/api/v1/consumers", query_string=params)
    assert response.status_code == 403
    assert error_of(response) == {**error_of(response), "code": "missing_credentials", "param": missing}


def test_unknown_key(client, key):
    params = signed_api_params(key)
    params["api_key"] = "egk_nobody"
    response = client.get("/api/v1/consumers", query_string=params)
    assert response.status_code == 403 and error_of(response)["code"] == "unknown_key"


def test_signature_made_with_the_wrong_secret(client, key):
    response = call(client, "GET", "/consumers", key, sign_with="not-the-secret")
    assert response.status_code == 403
    assert error_of(response)["code"] == "bad_signature" and error_of(response)["param"] == "signature"


def test_a_parameter_changed_after_signing_is_refused(client, key):
    params = signed_api_params(key, name="Moodle")
    params["name"] = "Evil Moodle"
    response = client.post("/api/v1/consumers", data=params)
    assert response.status_code == 403 and error_of(response)["code"] == "bad_signature"
    assert Consumer.query.count() == 0


@pytest.mark.parametrize("offset_ms, accepted", [(-6 * 60_000, False), (6 * 60_000, False),
                                                 (-4 * 60_000, True), (4 * 60_000, True)])
def test_timestamps_more_than_five_minutes_off_either_way_are_refused(client, key, offset_ms, accepted):
    response = call(client, "GET", "/consumers", key, timestamp=int(time.time() * 1000) + offset_ms)
    if accepted:
        assert response.status_code == 200
    else:
        assert response.status_code == 403 and error_of(response)["code"] == "stale_timestamp"
        assert ("future" in error_of(response)["message"]) == (offset_ms > 0)


def test_a_timestamp_in_seconds_is_refused(client, key):
    response = call(client, "GET", "/consumers", key, timestamp=int(time.time()))
    assert response.status_code == 403 and error_of(response)["param"] == "timestamp"


def test_a_replayed_nonce_is_refused(client, key):
    params = signed_api_params(key)
    assert client.get("/api/v1/consumers", query_string=params).status_code == 200
    replay = client.get("/api/v1/consumers", query_string=params)
    assert replay.status_code == 403 and error_of(replay)["code"] == "replayed_nonce"
    # The same nonce in a fresh, differently signed request is still a replay.
    again = call(client, "GET", "/consumers", key, nonce=params["nonce"])
    assert again.status_code == 403 and error_of(again)["code"] == "replayed_nonce"


def test_a_forged_request_does_not_use_up_a_nonce(client, key):
    forged = call(client, "GET", "/consumers", key, sign_with="guess", nonce="nonce-of-a-real-request")
    assert forged.status_code == 403
    assert call(client, "GET", "/consumers", key, nonce="nonce-of-a-real-request").status_code == 200


@pytest.mark.parametrize("nonce, accepted", [("n" * 7, False), ("n" * 8, True), ("n" * 128, True),
                                             ("n" * 129, False)])
def test_a_nonce_has_8_to_128_characters(client, key, nonce, accepted):
    response = call(client, "GET", "/consumers", key, nonce=nonce)
    if accepted:
        assert response.status_code == 200
    else:
        assert response.status_code == 403 and error_of(response) == {
            "code": "bad_nonce", "message": "A nonce has 8 to 128 characters.", "param": "nonce"}


def test_a_revoked_key_is_refused(client, runner, key):
    assert runner.invoke(args=["api-keys", "revoke", key.key_id]).exit_code == 0
    response = call(client, "GET", "/consumers", key)
    assert response.status_code == 403 and error_of(response)["code"] == "revoked_key"


# 422, 404, 405, 413

def test_a_missing_parameter_is_named(client, key):
    response = call(client, "POST", "/consumers", key)
    assert response.status_code == 422
    assert error_of(response)["code"] == "missing_parameter" and error_of(response)["param"] == "name"


@pytest.mark.parametrize("param, value", [("report_mode", "sometimes"), ("max_attempts", "-1"),
                                          ("max_attempts", "three"), ("allow_student_review", "maybe"),
                                          ("available_from", "2026-05-01T09:00:00"),
                                          ("available_until", "next tuesday")])
def test_an_invalid_setting_is_named_and_nothing_is_written(client, key, param, value):
    consumer = factories.consumer()
    exam = factories.exam()
    response = call(client, "POST", "/resources", key, consumer_id=consumer.id, context_id="course-1",
                    resource_link_id="link-1", exam_id=exam.id, **{param: value})
    assert response.status_code == 422 and error_of(response)["param"] == param
    assert Resource.query.count() == 0 and Context.query.count() == 0


def test_a_repeated_parameter_is_refused(client, key):
    params = signed_api_params(key, name="A")
    response = client.post("/api/v1/consumers", data=urlencode(list(params.items()) + [("name", "B")]),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 422 and error_of(response)["param"] == "name"


def test_a_json_body_is_refused_with_a_pointer_to_form_fields(client, key):
    response = client.post("/api/v1/consumers", json=signed_api_params(key, name="Moodle"))
    assert response.status_code == 415 and "form fields" in error_of(response)["message"]
    assert Consumer.query.count() == 0


def test_not_found_and_method_not_allowed_are_json(client, key):
    missing = call(client, "GET", "/consumers/12345", key)
    assert missing.status_code == 404 and error_of(missing) == {
        "code": "not_found", "message": "There is no consumer 12345.", "param": "consumer_id"}
    assert client.get("/api/v1/no-such-thing").status_code == 404
    assert error_of(client.get("/api/v1/no-such-thing"))["code"] == "not_found"
    wrong_method = client.delete("/api/v1/consumers")
    assert wrong_method.status_code == 405 and error_of(wrong_method)["code"] == "method_not_allowed"


def test_a_request_over_the_upload_limit_is_413_json(make_app):
    app = make_app(MAX_CONTENT_LENGTH=2048)
    with app.app_context():
        key = factories.api_key()
        params = signed_api_params(key, name="x" * 4096)
        response = app.test_client().post("/api/v1/consumers", data=params)
    assert response.status_code == 413
    assert error_of(response)["code"] == "too_large"


def upload(client, signer, package, **fields):
    fields.setdefault("file_sha256", signing.file_sha256(package))
    params = signed_api_params(signer, **fields)
    return client.post("/api/v1/exams", data={**params, "package": (io.BytesIO(package), "quiz.zip")},
                       content_type="multipart/form-data")


def test_upload_an_exam_package(client, key):
    response = upload(client, key, quiz2004_zip(), title="Week 3", slug="week-3")
    assert response.status_code == 201, response.json
    exam = Exam.query.one()
    assert (response.json["id"], response.json["slug"], exam.consumer_id) == (exam.id, "week-3", None)
    assert exam.latest_version.package.sha256 == signing.file_sha256(quiz2004_zip())


def test_an_upload_must_be_the_file_its_signature_names(client, key):
    response = upload(client, key, quiz2004_zip(), file_sha256=signing.file_sha256(b"another file"))
    assert response.status_code == 403 and error_of(response)["param"] == "file_sha256"
    assert Exam.query.count() == 0


def test_an_upload_without_its_file_is_refused(client, key):
    params = signed_api_params(key, file_sha256=signing.file_sha256(quiz2004_zip()), title="No file")
    response = client.post("/api/v1/exams", data=params, content_type="multipart/form-data")
    assert response.status_code == 422 and error_of(response) == {
        "code": "missing_parameter", "message": "The request has no package file.", "param": "package"}
    assert Exam.query.count() == 0 and StoredFile.query.count() == 0


def test_a_broken_package_is_refused_and_nothing_is_stored(client, key):
    response = upload(client, key, b"not a zip", title="Broken")
    assert response.status_code == 422 and error_of(response)["param"] == "package"
    assert Exam.query.count() == 0 and StoredFile.query.count() == 0


def test_only_a_superusers_key_makes_site_wide_exams(client, two_schools):
    key, ours, theirs = two_schools
    site_wide = upload(client, key, quiz2004_zip(), title="Everyone's")
    assert site_wide.status_code == 422 and error_of(site_wide)["param"] == "consumer_id"
    elsewhere = upload(client, key, quiz2004_zip(), title="Theirs", consumer_id=theirs.id)
    assert elsewhere.status_code == 422 and error_of(elsewhere)["param"] == "consumer_id"
    ours_exam = upload(client, key, quiz2004_zip(), title="Ours", consumer_id=ours.id)
    assert ours_exam.status_code == 201 and ours_exam.json["consumer_id"] == ours.id


def test_an_upload_over_the_limit_is_413_json(make_app):
    app = make_app(MAX_CONTENT_LENGTH=4096)
    with app.app_context():
        response = upload(app.test_client(), factories.api_key(), quiz2004_zip(), title="Too big")
        assert response.status_code == 413 and error_of(response)["code"] == "too_large"
        assert Exam.query.count() == 0


# Scoping

@pytest.fixture
def two_schools(app):
    ours, theirs = factories.consumer("Ours", key="ours"), factories.consumer("Theirs", key="theirs")
    key = factories.api_key("teacher-admin@example.edu", superuser=False, consumers=[ours])
    factories.admin("other-admin@example.edu", superuser=False, consumers=[theirs])
    return key, ours, theirs


def test_a_key_sees_only_its_administrators_consumers(client, two_schools):
    key, ours, theirs = two_schools
    listed = call(client, "GET", "/consumers", key).json["consumers"]
    assert [c["id"] for c in listed] == [ours.id]
    assert call(client, "GET", f"/consumers/{ours.id}", key).status_code == 200
    assert call(client, "GET", f"/consumers/{theirs.id}", key).status_code == 404
    assert call(client, "POST", f"/consumers/{theirs.id}/disable", key).status_code == 404
    assert Consumer.query.filter_by(key="theirs").one().enabled


def test_a_key_cannot_reach_another_consumers_exams_or_resources(client, two_schools):
    key, ours, theirs = two_schools
    their_exam, shared_exam = factories.exam(slug="theirs", consumer=theirs), factories.exam(slug="shared")
    listed = call(client, "GET", "/exams", key).json["exams"]
    assert [e["slug"] for e in listed] == ["shared"]
    assert call(client, "GET", f"/exams/{their_exam.id}", key).status_code == 404
    on_theirs = call(client, "POST", "/resources", key, consumer_id=theirs.id, context_id="c",
                     resource_link_id="l", exam_id=shared_exam.id)
    assert on_theirs.status_code == 422 and error_of(on_theirs)["param"] == "consumer_id"
    with_their_exam = call(client, "POST", "/resources", key, consumer_id=ours.id, context_id="c",
                           resource_link_id="l", exam_id=their_exam.id)
    assert with_their_exam.status_code == 422 and error_of(with_their_exam)["param"] == "exam_id"
    assert Resource.query.count() == 0


def test_a_superusers_key_sees_every_consumer(client, two_schools):
    boss = factories.api_key("boss@example.edu", superuser=True)
    assert len(call(client, "GET", "/consumers", boss).json["consumers"]) == 2


# Consumers

def test_create_a_consumer_with_generated_credentials(client, two_schools):
    key = two_schools[0]
    response = call(client, "POST", "/consumers", key, name="Canvas at Example")
    assert response.status_code == 201
    created = Consumer.query.filter_by(name="Canvas at Example").one()
    assert response.json == {"id": created.id, "name": "Canvas at Example", "key": created.key,
                             "secret": created.secret, "enabled": True, "default_report_mode": "on_completion",
                             "created_at": response.json["created_at"]}
    assert len(created.secret) >= 32
    # The new consumer is in the key's scope; its secret is not shown again.
    shown = call(client, "GET", f"/consumers/{created.id}", key).json
    assert shown["key"] == created.key and "secret" not in shown


def test_create_a_consumer_with_given_credentials_and_refuse_a_taken_key(client, key):
    made = call(client, "POST", "/consumers", key, name="Moodle", key="moodle-key", secret="moodle-secret")
    assert made.status_code == 201, made.json
    assert made.json["key"] == "moodle-key" and made.json["secret"] == "moodle-secret"
    taken = call(client, "POST", "/consumers", key, name="Again", key="moodle-key")
    assert taken.status_code == 422 and error_of(taken)["param"] == "key"
    assert Consumer.query.count() == 1


def test_a_consumer_chooses_when_its_new_resources_send_scores(client, key):
    made = call(client, "POST", "/consumers", key, name="Moodle", default_report_mode="immediately").json
    exam = factories.exam()
    first = call(client, "POST", "/resources", key, consumer_id=made["id"], context_id="c", resource_link_id="one",
                 exam_id=exam.id).json
    changed = call(client, "POST", f"/consumers/{made['id']}/default-report-mode", key, default_report_mode="manually")
    assert changed.status_code == 200 and changed.json["default_report_mode"] == "manually"
    second = call(client, "POST", "/resources", key, consumer_id=made["id"], context_id="c", resource_link_id="two",
                  exam_id=exam.id).json
    db.session.expire_all()
    assert [r.report_mode for r in Resource.query.order_by(Resource.id)] == ["immediately", "manually"]
    assert (first["report_mode"], second["report_mode"]) == ("immediately", "manually")
    wrong = call(client, "POST", f"/consumers/{made['id']}/default-report-mode", key, default_report_mode="often")
    assert wrong.status_code == 422 and error_of(wrong)["param"] == "default_report_mode"


def test_disable_a_consumer_refuses_its_launches(client, key):
    consumer = factories.consumer()
    response = call(client, "POST", f"/consumers/{consumer.id}/disable", key)
    assert response.status_code == 200 and response.json["enabled"] is False
    assert factories.launch(client).status_code == 401


# Resources

def test_create_list_show_and_update_a_resource(client, key):
    consumer, exam = factories.consumer(), factories.exam()
    created = call(client, "POST", "/resources", key, consumer_id=consumer.id, context_id="course-1",
                   resource_link_id="link-1", exam_id=exam.id, title="Week 1", max_attempts=2,
                   available_from="2026-05-01T09:00:00+02:00")
    assert created.status_code == 201, created.json
    resource = created.json
    assert (resource["exam_id"], resource["exam_version"], resource["max_attempts"]) == (exam.id, 1, 2)
    assert resource["available_from"] == "2026-05-01T07:00:00+00:00"
    assert call(client, "GET", f"/resources/{resource['id']}", key).json == resource
    listed = call(client, "GET", "/resources", key, consumer_id=consumer.id).json["resources"]
    assert [r["id"] for r in listed] == [resource["id"]]
    assert call(client, "GET", "/resources", key, consumer_id=consumer.id + 1).json["resources"] == []

    updated = call(client, "PATCH", f"/resources/{resource['id']}", key, report_mode="on_completion",
                   grading_method="last", available_from="", time_limit_minutes=45, allow_student_review="false")
    assert updated.status_code == 200, updated.json
    assert {k: updated.json[k] for k in ("report_mode", "grading_method", "available_from",
                                         "time_limit_minutes", "allow_student_review", "max_attempts")} == {
        "report_mode": "on_completion", "grading_method": "last", "available_from": None,
        "time_limit_minutes": 45, "allow_student_review": False, "max_attempts": 2}
    assert call(client, "GET", f"/resources/{resource['id']}", key).json == updated.json


def test_a_resource_must_close_after_it_opens(client, key):
    consumer, exam = factories.consumer(), factories.exam()
    resource = call(client, "POST", "/resources", key, consumer_id=consumer.id, context_id="c",
                    resource_link_id="l", exam_id=exam.id).json
    refused = call(client, "PATCH", f"/resources/{resource['id']}", key, available_from="2026-05-02T00:00:00Z",
                   available_until="2026-05-01T00:00:00Z")
    assert refused.status_code == 422 and error_of(refused)["param"] == "available_until"
    assert Resource.query.one().available_from is None


def test_a_resource_link_id_is_created_once(client, key):
    consumer, exam = factories.consumer(), factories.exam()
    params = dict(consumer_id=consumer.id, context_id="c", resource_link_id="l", exam_id=exam.id)
    assert call(client, "POST", "/resources", key, **params).status_code == 201
    again = call(client, "POST", "/resources", key, **params)
    assert again.status_code == 422 and error_of(again)["param"] == "resource_link_id"


# Reports

SCORES_HEADER = ["user_id", "name", "email", "attempts", "score", "state", "sent_score", "reported_at",
                 "lms_status", "lms_code", "lms_message"]


def test_request_poll_and_download_a_report(client, key, run_jobs):
    resource = factories.resource(factories.context(factories.consumer()))
    ada = factories.user(resource.consumer, "ada", "Ada Learner")
    factories.attempt(resource, ada)
    requested = call(client, "POST", f"/resources/{resource.id}/reports", key, kind="scores")
    assert requested.status_code == 202, requested.json
    report_id = requested.json["id"]
    assert (requested.json["kind"], requested.json["state"], requested.json["resource_id"]) == (
        "scores", "queued", resource.id)
    assert "download_url" not in requested.json

    run_jobs()
    polled = call(client, "GET", f"/reports/{report_id}", key)
    assert polled.status_code == 200
    assert (polled.json["state"], polled.json["progress"], polled.json["error"]) == ("ready", 100, None)
    assert polled.json["finished_at"] and polled.json["download_url"].endswith(f"/api/v1/reports/{report_id}/download")

    downloaded = call(client, "GET", f"/reports/{report_id}/download", key)
    assert downloaded.status_code == 200 and downloaded.mimetype == "text/csv"
    assert downloaded.headers["Content-Disposition"] == f'attachment; filename="{Report.query.one().filename}"'
    rows = list(csv.reader(io.StringIO(downloaded.get_data(as_text=True))))
    assert rows[0] == SCORES_HEADER
    assert [row[:4] for row in rows[1:]] == [["ada", "Ada Learner", ada.email, "1"]]

    listed = call(client, "GET", f"/resources/{resource.id}/reports", key).json["reports"]
    assert listed == [polled.json]


def test_a_report_not_built_yet_is_not_downloaded(client, key):
    resource = factories.resource(factories.context(factories.consumer()))
    report_id = call(client, "POST", f"/resources/{resource.id}/reports", key, kind="attempts").json["id"]
    response = call(client, "GET", f"/reports/{report_id}/download", key)
    assert response.status_code == 409 and error_of(response)["code"] == "not_ready"


def test_an_unknown_report_kind_is_named(client, key):
    resource = factories.resource(factories.context(factories.consumer()))
    response = call(client, "POST", f"/resources/{resource.id}/reports", key, kind="grades")
    assert response.status_code == 422 and error_of(response)["param"] == "kind"
    assert Report.query.count() == 0


def test_a_key_cannot_reach_another_consumers_reports(client, two_schools, run_jobs):
    key, ours, theirs = two_schools
    their_resource = factories.resource(factories.context(theirs))
    their_report = request_report(their_resource, "scores", "Their Teacher")
    run_jobs()
    for method, path in [("GET", f"/resources/{their_resource.id}/reports"),
                         ("POST", f"/resources/{their_resource.id}/reports"),
                         ("GET", f"/reports/{their_report.id}"), ("GET", f"/reports/{their_report.id}/download")]:
        response = call(client, method, path, key, kind="scores")
        assert response.status_code == 404, (method, path)
        assert error_of(response)["code"] == "not_found"
    assert Report.query.count() == 1
    boss = factories.api_key("boss@example.edu", superuser=True)
    assert call(client, "GET", f"/reports/{their_report.id}/download", boss).status_code == 200


# The document

def test_the_openapi_document_lists_exactly_the_api_routes(app, client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.")
    documented = {(method.upper(), "/api/v1" + path) for path, item in document["paths"].items()
                  for method in item}
    routed = {(method, re.sub(r"<[^>]*:(\w+)>", r"{\1}", rule.rule))
              for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert ("PATCH", "/api/v1/resources/{resource_id}") in routed
    assert routed == documented


def test_a_nul_character_in_a_parameter_is_refused_by_name(client):
    response = client.get("/api/v1/consumers", query_string={"api_key": "k\x00"})
    assert response.status_code == 422 and response.json["error"]["param"] == "api_key"
