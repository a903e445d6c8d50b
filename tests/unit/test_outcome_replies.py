import logging
import time
from datetime import datetime, timezone

import pytest
import requests
from requests_oauthlib import OAuth1

from lti_app.outcomes import replies
from lti_app.outcomes.ags import post_score, score_payload
from lti_app.outcomes.lti11 import post_replace_result
from lti_app.outcomes.pox import NS, replace_result_request
from lti_app.outcomes.replies import classify_ags_reply, classify_error, classify_pox_reply
from tests.lms.outcome_service import LeakyBucket, LocalLms


def pox(code_major, description="", prefix=""):
    p = f"{prefix}:" if prefix else ""
    xmlns = f"xmlns:{prefix}" if prefix else "xmlns"
    return (f'<{p}imsx_POXEnvelopeResponse {xmlns}="{NS}"><{p}imsx_statusInfo>'
            f"<{p}imsx_codeMajor>{code_major}</{p}imsx_codeMajor><{p}imsx_description>{description}"
            f"</{p}imsx_description></{p}imsx_statusInfo></{p}imsx_POXEnvelopeResponse>").encode()


# The design table, row by row: (status, headers, body) -> action, description shown.
POX_TABLE = [
    (200, {}, pox("success"), "stored", "success"),
    (200, {}, pox("success", prefix="ims"), "stored", "success"),
    (200, {}, pox("failure", "Score not between 0.0 and 1.0", prefix="ims"), "refused", "Score not between 0.0 and 1.0"),
    (200, {}, pox("unsupported", "readResult is not supported"), "refused", "readResult is not supported"),
    (200, {}, pox("failure", "Message signature not valid"), "credentials", "Message signature not valid"),
    (422, {}, pox("failure", "Invalid sourcedid\n[EID_12345]"), "refused", "Invalid sourcedid"),
    (422, {}, pox("failure", "Assignment has no points possible.\n[EID_7]"), "refused",
     "Assignment has no points possible."),
    (401, {}, b"Duplicate nonce detected", "retry_now", "Duplicate nonce detected"),
    (401, {}, b"Invalid authorization header", "credentials", "Invalid authorization header"),
    (403, {"X-Rate-Limit-Remaining": "0.0"}, b"403 Forbidden (Rate Limit Exceeded)", "retry_later",
     "403 Forbidden (Rate Limit Exceeded)"),
    (403, {"x-rate-limit-remaining": "0"}, b"", "retry_later", "HTTP 403"),
    (403, {}, b"Forbidden", "refused", "Forbidden"),
    (415, {}, b"", "refused", "HTTP 415"),
    (429, {"Retry-After": "7"}, b"slow down", "retry_later", "slow down"),
    (500, {}, b"<html><title>500</title><body>Oops</body></html>", "retry_later", "500 Oops"),
    (503, {}, b"", "retry_later", "HTTP 503"),
    (200, {}, b"<html>captive portal</html>", "retry_later", "captive portal"),
]


@pytest.mark.parametrize("status, headers, body, action, words", POX_TABLE)
def test_pox_replies(status, headers, body, action, words):
    verdict = classify_pox_reply(status, headers, body)
    assert (verdict.action, verdict.http_status, verdict.description) == (action, status, words)


def test_canvas_description_keeps_its_own_lines():
    verdict = classify_pox_reply(422, {}, pox("failure", "Line one\nline two\n[EID_abc]"))
    assert verdict.description == "Line one\nline two"


AGS_TABLE = [
    (200, b"{}", "", "stored"),
    (201, b"{}", "", "stored"),
    (204, b"", "", "stored"),
    (400, b'{"errors":{"type":"bad_request","message":"Provided timestamp of 2026-01-01 before last updated '
          b'timestamp of 2026-02-01"}}', "", "superseded"),
    (409, b"[]", "Refusing score with an earlier timestamp", "superseded"),
    (400, b'{"errors":{"type":"bad_request","message":"Provided timestamp of x not a valid timestamp"}}', "",
     "refused"),
    (400, b"[]", "Incorrect score received", "refused"),
    (401, b'{"errors":{"type":"unauthorized","message":"Invalid Developer Key"}}', "", "credentials"),
    (403, b"403 Forbidden (Rate Limit Exceeded)", "", "retry_later"),
    (403, b'{"error":"forbidden"}', "", "refused"),
    (404, b"", "Not Found", "refused"),
    (412, b'{"errors":{"message":"Tool does not own line item"}}', "", "refused"),
    (422, b'{"errors":{"message":"User not found in course or is not a student"}}', "", "refused"),
    (429, b"", "", "retry_later"),
    (500, b"", "", "retry_later"),
    (502, b"<html>Bad Gateway</html>", "", "retry_later"),
]


@pytest.mark.parametrize("status, body, reason, action", AGS_TABLE)
def test_ags_replies(status, body, reason, action):
    assert classify_ags_reply(status, {}, body, reason).action == action


def test_ags_shows_the_lms_words():
    body = b'{"errors":{"type":"unprocessable_entity","message":"User not found in course or is not a student"}}'
    assert classify_ags_reply(422, {}, body).description == "User not found in course or is not a student"
    assert classify_ags_reply(409, {}, b"[]", "Refusing score with an earlier timestamp").description == (
        "Refusing score with an earlier timestamp")


def test_retry_after_only_for_retries():
    assert classify_ags_reply(429, {"Retry-After": "12"}, b"").retry_after == 12
    assert classify_ags_reply(422, {"Retry-After": "12"}, b"").retry_after is None
    assert classify_pox_reply(503, {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, b"").retry_after == 0


@pytest.mark.parametrize("exc, words", [
    (requests.ReadTimeout(), "timed out after 2.5s"),
    (requests.ConnectTimeout(), "timed out after 2.5s"),
    (requests.ConnectionError("[Errno 111] Connection refused"), "connection refused"),
    (requests.ConnectionError("Name or service not known"), "connection failed"),
])
def test_no_reply_means_retry_later(exc, words):
    assert classify_error(exc, 2.5) == replies.Verdict("retry_later", None, None, words)


def test_an_unsendable_request_is_refused():
    assert classify_error(requests.exceptions.InvalidURL("bad"), 1).action == "refused"


# Round trips through post_replace_result against the local LMS.

def send(lms, sourcedid="s-1", score=0.5, timeout=5, secret=None, **extensions):
    body = replace_result_request(sourcedid, score, **extensions)
    return post_replace_result(lms.url, lms.key, secret or lms.secret, body, timeout)


def test_stored_exactly_once_with_extensions():
    with LocalLms("canvas") as lms:
        verdict = send(lms, score=0.8, result_data_text="Café", total_score=8)
        assert verdict.action == "stored"
        assert [(r.score, r.extensions) for r in lms.scores["s-1"]] == [(0.8, {"text": "Café", "total_score": "8"})]
        assert lms.request_count == 1


@pytest.mark.parametrize("description", ["Invalid sourcedid", "User is no longer in course",
                                         "Course not available for student", "Assignment has no points possible."])
def test_canvas_refusals(description):
    with LocalLms("canvas") as lms:
        lms.refuse("s-1", description)
        verdict = send(lms)
        assert (verdict.action, verdict.http_status, verdict.description) == ("refused", 422, description)
        assert not lms.scores


def test_scripted_replies_come_first():
    with LocalLms("canvas") as lms:
        lms.queue_reply(503, "Service Unavailable")
        assert [send(lms).action, send(lms).action] == ["retry_later", "stored"]
        assert len(lms.scores["s-1"]) == 1


def test_outcome_url_with_a_query_string():
    with LocalLms("canvas") as lms:
        lms.url += "?type_id=3&a=b%20c"
        assert send(lms).action == "stored"


def test_bad_secret_flags_the_consumer():
    with LocalLms("canvas") as lms:
        verdict = send(lms, secret="not-the-secret")
        assert (verdict.action, verdict.http_status) == ("credentials", 401)


def test_duplicate_nonce_then_a_fresh_one(monkeypatch):
    with LocalLms("canvas") as lms:
        monkeypatch.setattr("oauthlib.oauth1.rfc5849.generate_nonce", lambda: "same-nonce-every-time")
        assert send(lms).action == "stored"
        assert send(lms).action == "retry_now"
        monkeypatch.undo()
        assert send(lms).action == "stored"
        assert len(lms.scores["s-1"]) == 2


def test_canvas_throttle():
    with LocalLms("canvas", throttle=LeakyBucket(high_water=100, outflow=1, cost=60)) as lms:
        verdicts = [send(lms) for _ in range(3)]
        assert [v.action for v in verdicts] == ["stored", "stored", "retry_later"]
        assert verdicts[2].http_status == 403


def test_moodle_refuses_with_200():
    bad_score = replace_result_request("s-1", 0.5).replace(b">0.5<", b">1.5<")
    with LocalLms("moodle") as lms:
        verdict = post_replace_result(lms.url, lms.key, lms.secret, bad_score, 5)
        assert (verdict.action, verdict.http_status, verdict.description) == (
            "refused", 200, "Score not between 0.0 and 1.0")


def test_slow_lms_times_out_on_time():
    with LocalLms("slow", delay=5) as lms:
        started = time.monotonic()
        verdict = send(lms, timeout=0.3)
        assert time.monotonic() - started < 1.5
    assert (verdict.action, verdict.description) == ("retry_later", "timed out after 0.3s")


def test_dead_lms():
    with LocalLms("dead") as lms:
        assert send(lms) == replies.Verdict("retry_later", None, None, "connection refused")


def test_server_error():
    with LocalLms("error500") as lms:
        assert (send(lms).action, lms.request_count) == ("retry_later", 1)


def test_too_many_requests_with_retry_after():
    with LocalLms("retry_after", retry_after=30) as lms:
        verdict = send(lms)
        assert (verdict.action, verdict.http_status, verdict.retry_after) == ("retry_later", 429, 30)


def test_the_secret_is_never_logged(caplog):
    caplog.set_level(logging.DEBUG)
    with LocalLms("canvas", secret="s3cr3t-value") as lms:
        send(lms)
    assert "s3cr3t-value" not in caplog.text


# The local LMS must be able to fail a test.

def signed(lms, body, **oauth):
    auth = OAuth1(lms.key, lms.secret, signature_type="auth_header", force_include_body=True, **oauth)
    return requests.Request("POST", lms.url, data=body, headers={"Content-Type": "application/xml"},
                            auth=auth).prepare()


def test_lms_rejects_a_tampered_body():
    body = replace_result_request("s-1", 0.5)
    with LocalLms("canvas") as lms:
        request = signed(lms, body)
        request.body = body.replace(b">0.5<", b">0.9<")
        reply = requests.Session().send(request, timeout=5)
        assert (reply.status_code, reply.text) == (401, "Invalid authorization header")
        assert not lms.scores


def test_lms_rejects_a_stale_timestamp():
    with LocalLms("canvas") as lms:
        request = signed(lms, replace_result_request("s-1", 0.5), timestamp=str(int(time.time()) - 2 * 3600))
        assert requests.Session().send(request, timeout=5).status_code == 401


def test_lms_wants_application_xml():
    with LocalLms("canvas") as lms:
        request = signed(lms, replace_result_request("s-1", 0.5))
        request.headers["Content-Type"] = "text/xml"
        assert requests.Session().send(request, timeout=5).status_code == 415


# AGS posting (the LMS side of AGS belongs to the lti1p3platform tests).

def test_post_score_sends_the_score_media_type(monkeypatch):
    seen = {}

    def fake_post(url, data, headers, timeout, allow_redirects):
        seen.update(url=url, headers=headers, timeout=timeout)
        reply = requests.Response()
        reply.status_code, reply._content, reply.reason = 409, b"[]", "Refusing score with an earlier timestamp"
        return reply

    session = requests.Session()
    monkeypatch.setattr(session, "post", fake_post)
    payload = score_payload("u1", 1, 1, "Completed", "FullyGraded", datetime.now(timezone.utc))
    verdict = post_score(session, "https://lms.test/lineitems/7/lineitem?type_id=3", "tok", payload, 4)
    assert verdict.action == "superseded"
    assert seen["url"] == "https://lms.test/lineitems/7/lineitem/scores?type_id=3"
    assert seen["headers"]["Content-Type"] == "application/vnd.ims.lis.v1.score+json"
    assert (seen["headers"]["Authorization"], seen["timeout"]) == ("Bearer tok", 4)


def test_post_score_timeout_is_retry_later():
    with LocalLms("slow", delay=5) as lms:
        payload = score_payload("u1", 1, 1, "Completed", "FullyGraded", datetime.now(timezone.utc))
        assert post_score(requests.Session(), lms.url, "tok", payload, 0.3).action == "retry_later"
