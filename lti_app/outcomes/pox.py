"""LTI 1.1 Basic Outcomes (POX): the replaceResult request and the LMS's reply."""
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime

NS = "http://www.imsglobal.org/services/ltiv1p1/xsd/imsoms_v1p0"


@dataclass(frozen=True)
class PoxReply:
    code_major: str | None = None
    description: str | None = None
    message_ref: str | None = None
    canvas_error_code: str | None = None


def format_score(score: float) -> str:
    """0.30000000000000004 -> "0.3", 1.0 -> "1": what an instructor would type."""
    if not 0 <= score <= 1:
        raise ValueError(f"outcome score must be between 0 and 1, got {score!r}")
    return _plain_number(score)


def replace_result_request(
    sourcedid: str,
    score: float,
    *,
    result_data_text: str | None = None,
    result_data_url: str | None = None,
    total_score: float | None = None,
    submitted_at: datetime | None = None,
) -> bytes:
    """A replaceResultRequest envelope; Canvas extensions only when given."""
    if result_data_text is not None and result_data_url is not None:
        raise ValueError("resultData holds either text or url, not both")
    root = _el(None, "imsx_POXEnvelopeRequest")
    header = _el(_el(root, "imsx_POXHeader"), "imsx_POXRequestHeaderInfo")
    _el(header, "imsx_version", "V1.0")
    _el(header, "imsx_messageIdentifier", uuid.uuid4().hex)
    request = _el(_el(root, "imsx_POXBody"), "replaceResultRequest")
    if submitted_at is not None:
        _el(_el(request, "submissionDetails"), "submittedAt", _iso(submitted_at))
    record = _el(request, "resultRecord")
    _el(_el(record, "sourcedGUID"), "sourcedId", sourcedid)
    result = _el(record, "result")
    _text_string(_el(result, "resultScore"), format_score(score))
    if total_score is not None:
        _text_string(_el(result, "resultTotalScore"), _plain_number(total_score))
    if result_data_text is not None:
        _el(_el(result, "resultData"), "text", result_data_text)
    if result_data_url is not None:
        _el(_el(result, "resultData"), "url", result_data_url)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True, default_namespace=NS)


def parse_reply(body: bytes | str) -> PoxReply:
    """Read the status of a POX reply, whatever prefix it uses; garbage gives an empty reply."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    # A reply is never entitled to a DTD; refusing one keeps entity expansion out.
    if not body.strip() or b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        return PoxReply()
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return PoxReply()
    return PoxReply(
        code_major=_find(root, "imsx_codeMajor"),
        description=_find(root, "imsx_description"),
        message_ref=_find(root, "imsx_messageRefIdentifier"),
        canvas_error_code=_find(root, "ext_canvas_error_code"),
    )


def _plain_number(value: float) -> str:
    return f"{float(value):.10f}".rstrip("0").rstrip(".")


def _el(parent, name, text=None):
    tag = f"{{{NS}}}{name}"
    element = ET.Element(tag) if parent is None else ET.SubElement(parent, tag)
    element.text = text
    return element


def _text_string(parent, value):
    _el(parent, "language", "en")
    _el(parent, "textString", value)


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("submitted_at needs a time zone")
    return moment.isoformat()


def _find(root, name):
    text = root.findtext(f".//{{*}}{name}")
    return text.strip() if text is not None else None
