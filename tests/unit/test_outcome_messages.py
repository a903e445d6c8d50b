import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import pytest
from lti import OutcomeRequest

from lti_app.outcomes.ags import score_payload, scores_url
from lti_app.outcomes.pox import NS, format_score, parse_reply, replace_result_request

RESULT = f"{{{NS}}}imsx_POXBody/{{{NS}}}replaceResultRequest/{{{NS}}}resultRecord"


def fields(xml: bytes) -> dict:
    record = ET.fromstring(xml).find(RESULT)
    return {
        "sourcedid": record.findtext(".//{*}sourcedId"),
        "score": float(record.findtext("{*}result/{*}resultScore/{*}textString")),
        "language": record.findtext("{*}result/{*}resultScore/{*}language"),
        "text": record.findtext("{*}result/{*}resultData/{*}text"),
        "url": record.findtext("{*}result/{*}resultData/{*}url"),
    }


def peer_xml(sourcedid, score, result_data=None) -> bytes:
    peer = OutcomeRequest({"lis_result_sourcedid": sourcedid, "message_identifier": "peer"})
    peer.operation, peer.score, peer.result_data = "replaceResult", score, result_data
    return peer.generate_request_xml()


@pytest.mark.parametrize("result_data", [None, {"text": "Café <b>&</b>"}, {"url": "https://x.test/a?b=1&c=2"}])
def test_request_matches_the_lti_package(result_data):
    extensions = {f"result_data_{k}": v for k, v in (result_data or {}).items()}
    ours = replace_result_request("3124567:<x>&", 0.75, **extensions)
    assert fields(ours) == fields(peer_xml("3124567:<x>&", 0.75, result_data))


def test_envelope_shape():
    root = ET.fromstring(replace_result_request("s-1", 1))
    assert root.tag == f"{{{NS}}}imsx_POXEnvelopeRequest"
    assert root.findtext("{*}imsx_POXHeader/{*}imsx_POXRequestHeaderInfo/{*}imsx_version") == "V1.0"


def test_each_request_has_a_fresh_message_identifier():
    ids = {ET.fromstring(replace_result_request("s", 0.5)).findtext(".//{*}imsx_messageIdentifier")
           for _ in range(5)}
    assert len(ids) == 5


def test_extensions_only_when_asked():
    plain = replace_result_request("s", 0.5)
    for tag in (b"resultData", b"resultTotalScore", b"submissionDetails"):
        assert tag not in plain


def test_canvas_extensions():
    at = datetime(2026, 11, 23, 14, 5, 6, tzinfo=timezone.utc)
    root = ET.fromstring(replace_result_request("s", 0.5, total_score=37.5, submitted_at=at))
    request = root.find(".//{*}replaceResultRequest")
    assert request.findtext("{*}submissionDetails/{*}submittedAt") == "2026-11-23T14:05:06+00:00"
    assert request.findtext("{*}resultRecord/{*}result/{*}resultTotalScore/{*}textString") == "37.5"


@pytest.mark.parametrize("score, text", [(0.1 + 0.2, "0.3"), (1.0, "1"), (0, "0"), (2 / 3, "0.6666666667")])
def test_scores_carry_no_float_noise(score, text):
    assert format_score(score) == text


@pytest.mark.parametrize("score", [-0.01, 1.01, float("nan")])
def test_scores_outside_zero_to_one_are_not_built(score):
    with pytest.raises(ValueError):
        replace_result_request("s", score)


def test_both_result_data_kinds_are_refused():
    with pytest.raises(ValueError):
        replace_result_request("s", 0.5, result_data_text="t", result_data_url="https://x.test")


def test_naive_submitted_at_is_refused():
    with pytest.raises(ValueError):
        replace_result_request("s", 0.5, submitted_at=datetime(2026, 1, 1))


MOODLE_REPLY = f"""<?xml version="1.0"?><ims:imsx_POXEnvelopeResponse xmlns:ims="{NS}">
<ims:imsx_POXHeader><ims:imsx_POXResponseHeaderInfo><ims:imsx_statusInfo>
<ims:imsx_codeMajor>failure</ims:imsx_codeMajor>
<ims:imsx_description>Score not between 0.0 and 1.0</ims:imsx_description>
<ims:imsx_messageRefIdentifier>m-1</ims:imsx_messageRefIdentifier>
</ims:imsx_statusInfo></ims:imsx_POXResponseHeaderInfo></ims:imsx_POXHeader></ims:imsx_POXEnvelopeResponse>"""


def test_namespace_prefixed_reply():
    reply = parse_reply(MOODLE_REPLY.encode())
    assert (reply.code_major, reply.description, reply.message_ref) == (
        "failure", "Score not between 0.0 and 1.0", "m-1")


def test_canvas_error_code():
    body = (f'<imsx_POXEnvelopeResponse xmlns="{NS}"><imsx_statusInfo><imsx_codeMajor>failure</imsx_codeMajor>'
            "<ext_canvas_error_code>sourcedid_invalid</ext_canvas_error_code></imsx_statusInfo>"
            "</imsx_POXEnvelopeResponse>")
    assert parse_reply(body).canvas_error_code == "sourcedid_invalid"


@pytest.mark.parametrize("body", [b"", b"   ", b"<html><body>Bad Gateway</body>", b"\xff\xfe garbage",
                                  b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>', "<a>unclosed"])
def test_garbage_replies_parse_to_nothing(body):
    assert parse_reply(body).code_major is None


def test_score_payload():
    at = datetime(2026, 11, 23, 14, 5, 6, 736000, tzinfo=timezone.utc)
    assert score_payload("u1", 7, 10, "Completed", "FullyGraded", at, comment="well done") == {
        "userId": "u1", "scoreGiven": 7, "scoreMaximum": 10, "activityProgress": "Completed",
        "gradingProgress": "FullyGraded", "timestamp": "2026-11-23T14:05:06.736+00:00", "comment": "well done",
    }


def test_score_payload_without_a_score_or_comment():
    payload = score_payload("u1", None, 10, "Started", "NotReady", datetime.now(timezone.utc))
    assert not {"scoreGiven", "scoreMaximum", "comment"} & payload.keys()


def test_score_payload_refuses_unknown_progress():
    with pytest.raises(ValueError):
        score_payload("u1", 1, 1, "Done", "FullyGraded", datetime.now(timezone.utc))


@pytest.mark.parametrize("lineitem, url", [
    ("https://lms.test/api/lti/courses/5/line_items/2", "https://lms.test/api/lti/courses/5/line_items/2/scores"),
    ("https://lms.test/mod/lti/services.php/2/lineitems/7/lineitem?type_id=3",
     "https://lms.test/mod/lti/services.php/2/lineitems/7/lineitem/scores?type_id=3"),
    ("https://lms.test/items/2/", "https://lms.test/items/2/scores"),
])
def test_scores_url(lineitem, url):
    assert scores_url(lineitem) == url
