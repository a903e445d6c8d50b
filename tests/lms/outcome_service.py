"""A local LMS outcome service that checks requests as Canvas does and answers as Canvas or Moodle.

    with LocalLms(persona="canvas") as lms:
        post_replace_result(lms.url, lms.key, lms.secret, body, timeout=5)
        assert [s.score for s in lms.scores["sourcedid-1"]] == [0.5]

Personas: canvas, moodle, slow (answers after `delay` s), dead (nothing listens on lms.url),
error500, retry_after (429 with Retry-After). `throttle=LeakyBucket(...)` adds Canvas's 403.
"""
import base64
import hashlib
import hmac
import socket
import threading
import time
import xml.etree.ElementTree as ET
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from oauthlib.oauth1.rfc5849 import signature, utils

NS = "http://www.imsglobal.org/services/ltiv1p1/xsd/imsoms_v1p0"
TIMESTAMP_WINDOW_S = 90 * 60
# Moodle writes <ims:imsx_codeMajor>, Canvas the default namespace: {p} is the prefix.
_REPLY = (
    '<?xml version="1.0" encoding="UTF-8"?><{p}imsx_POXEnvelopeResponse {xmlns}="{ns}">'
    "<{p}imsx_POXHeader><{p}imsx_POXResponseHeaderInfo><{p}imsx_version>V1.0</{p}imsx_version>"
    "<{p}imsx_statusInfo><{p}imsx_codeMajor>{code}</{p}imsx_codeMajor>"
    "<{p}imsx_severity>status</{p}imsx_severity><{p}imsx_description>{description}</{p}imsx_description>"
    "<{p}imsx_messageRefIdentifier>{ref}</{p}imsx_messageRefIdentifier>{error_code}</{p}imsx_statusInfo>"
    "</{p}imsx_POXResponseHeaderInfo></{p}imsx_POXHeader>"
    "<{p}imsx_POXBody><{p}replaceResultResponse/></{p}imsx_POXBody></{p}imsx_POXEnvelopeResponse>"
)
EXTENSIONS = {
    "text": "resultRecord/result/resultData/text",
    "url": "resultRecord/result/resultData/url",
    "total_score": "resultRecord/result/resultTotalScore/textString",
    "submitted_at": "submissionDetails/submittedAt",
}


@dataclass(frozen=True)
class Received:
    score: float
    time: float
    extensions: dict


@dataclass
class Reply:
    status: int
    description: str = ""
    code_major: str = "failure"
    error_code: str = "scripted"
    headers: dict = field(default_factory=dict)


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LeakyBucket:
    """Canvas's throttle: a request reserves `up_front` units while in flight, then pays `cost`;
    the bucket drains at `outflow` units a second and refuses requests once above `high_water`."""

    def __init__(self, high_water=600.0, outflow=10.0, up_front=50.0, cost=1.0):
        self.high_water, self.outflow, self.up_front, self.cost = high_water, outflow, up_front, cost
        self.level, self._last, self._lock = 0.0, time.monotonic(), threading.Lock()

    def reserve(self) -> bool:
        with self._lock:
            now = time.monotonic()
            self.level = max(0.0, self.level - (now - self._last) * self.outflow)
            self._last = now
            if self.level >= self.high_water:
                return False
            self.level += self.up_front
            return True

    def settle(self):
        with self._lock:
            self.level += self.cost - self.up_front

    def remaining(self) -> float:
        return max(0.0, self.high_water - self.level)


class LocalLms:
    def __init__(self, persona="canvas", key="examgate-consumer", secret="examgate-secret",
                 throttle=None, delay=5.0, retry_after=2, port=None):
        self.persona, self.key, self.secret = persona, key, secret
        self.throttle, self.delay, self.retry_after = throttle, delay, retry_after
        self.scores = defaultdict(list)
        self.request_count = 0
        self.first_request_at = None  # time.time() of the first request, whatever its reply
        self.refusals = {}
        self.throttled = 0  # requests refused by the throttle
        self.replies = deque()
        self._nonces = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = None
        self.port = port or unused_port()  # give a port to come back where a "dead" LMS was
        self.url = f"http://127.0.0.1:{self.port}/outcomes"

    def refuse(self, sourcedid, description, error_code="scripted"):
        """Refuse every score for this sourcedid with the LMS's own words."""
        self.refusals[sourcedid] = self._refusal(description, description, error_code)

    def queue_reply(self, status, description="", headers=None):
        """The next request that passes the checks gets this reply instead."""
        self.replies.append(Reply(status, description, headers=headers or {}))

    def __enter__(self):
        if self.persona != "dead":
            self._server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler_for(self))
            self.url = f"http://127.0.0.1:{self._server.server_port}/outcomes"
            threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc_info):
        self._stopping.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def answer(self, url, headers, body) -> tuple[Reply, dict]:
        """The reply to one request, and the throttle headers Canvas adds."""
        with self._lock:
            self.request_count += 1
            self.first_request_at = self.first_request_at or time.time()
        if not self.throttle:
            return self._handle(url, headers, body), {"X-Request-Cost": "0.01"}
        if self.throttle.reserve():
            reply = self._handle(url, headers, body)
            self.throttle.settle()
        else:
            reply = Reply(403, "403 Forbidden (Rate Limit Exceeded)")
            with self._lock:
                self.throttled += 1
        return reply, {"X-Request-Cost": f"{self.throttle.cost:.4f}",
                       "X-Rate-Limit-Remaining": f"{self.throttle.remaining():.1f}"}

    def _handle(self, url, headers, body) -> Reply:
        if self.persona == "slow" and self._stopping.wait(self.delay):
            return Reply(503, "shutting down")
        if headers.get("Content-Type", "").split(";")[0].strip() != "application/xml":
            return Reply(415, "Content-Type must be application/xml")
        problem = self._check_oauth(url, headers, body)
        if problem:
            return self._auth_failure(problem)
        if self.persona == "error500":
            return Reply(500, "Internal Server Error")
        if self.persona == "retry_after":
            return Reply(429, "Too Many Requests", headers={"Retry-After": str(self.retry_after)})
        if self.replies:
            return self.replies.popleft()
        return self._replace_result(body)

    def _check_oauth(self, url, headers, body):
        params = dict(signature.collect_parameters(
            uri_query=urlsplit(url).query, headers={"Authorization": headers.get("Authorization", "")},
            exclude_oauth_signature=False))
        claimed = params.pop("oauth_signature", "")
        if params.get("oauth_consumer_key") != self.key or params.get("oauth_signature_method") != "HMAC-SHA1":
            return "Invalid authorization header"
        base = signature.signature_base_string(
            "POST", signature.base_string_uri(url), signature.normalize_parameters(list(params.items())))
        secret = f"{utils.escape(self.secret)}&".encode()  # RFC 5849 3.4.2, no token secret
        expected = base64.b64encode(hmac.new(secret, base.encode(), hashlib.sha1).digest()).decode()
        if not hmac.compare_digest(expected, claimed):
            return "Invalid authorization header"
        if params.get("oauth_body_hash") != base64.b64encode(hashlib.sha1(body).digest()).decode():
            return "Invalid authorization header"
        timestamp = params.get("oauth_timestamp", "")
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > TIMESTAMP_WINDOW_S:
            return "Timestamp too old or too far in the future, request has expired"
        with self._lock:
            if params.get("oauth_nonce") in self._nonces:
                return "Duplicate nonce detected"
            self._nonces.add(params.get("oauth_nonce"))
        return None

    def _auth_failure(self, problem):
        if self.persona == "moodle":
            return Reply(200, "Message signature not valid")
        return Reply(401, problem)

    def _replace_result(self, body):
        try:
            request = ET.fromstring(body).find(f".//{{{NS}}}replaceResultRequest")
        except ET.ParseError:
            request = None
        if request is None:
            return self._refusal("Invalid XML content", "Request could not be handled", "unsupported")
        sourcedid = _text(request, "resultRecord/sourcedGUID/sourcedId")
        if sourcedid in self.refusals:
            return self.refusals[sourcedid]
        try:
            score = float(_text(request, "resultRecord/result/resultScore/textString"))
        except (TypeError, ValueError):
            return self._refusal("Score must be numeric", "Unable to parse resultScore", "no_parseable_result_score")
        if not 0 <= score <= 1:
            return self._refusal("Score not between 0.0 and 1.0", "Score is not between 0 and 1", "bad_score")
        extensions = {name: _text(request, path) for name, path in EXTENSIONS.items()
                      if _text(request, path) is not None}
        with self._lock:
            self.scores[sourcedid].append(Received(score, time.time(), extensions))
        return Reply(200, "", code_major="success")

    def _refusal(self, moodle_words, canvas_words, error_code):
        if self.persona == "moodle":
            return Reply(200, moodle_words)
        return Reply(422, canvas_words, error_code=error_code)

    def reply_xml(self, reply: Reply, message_ref="") -> bytes:
        canvas = self.persona != "moodle"
        failed = reply.code_major != "success"
        error_code = f"<ext_canvas_error_code>{escape(reply.error_code)}</ext_canvas_error_code>"
        return _REPLY.format(
            p="" if canvas else "ims:", xmlns="xmlns" if canvas else "xmlns:ims", ns=NS,
            code=escape(reply.code_major), ref=escape(message_ref),
            description=escape(reply.description + ("\n[EID_abc]" if canvas and failed else "")),
            error_code=error_code if canvas and failed else "",
        ).encode()


def _text(element, path):
    found = element.find("/".join(f"{{{NS}}}{step}" for step in path.split("/")))
    return found.text if found is not None else None


def _message_ref(body):
    try:
        return ET.fromstring(body).findtext(f".//{{{NS}}}imsx_messageIdentifier") or ""
    except ET.ParseError:
        return ""


def _handler_for(lms):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            reply, extra = lms.answer(f"http://{self.headers['Host']}{self.path}", self.headers, body)
            xml_reply = reply.code_major == "success" or reply.status in (200, 422)
            payload = lms.reply_xml(reply, _message_ref(body)) if xml_reply else reply.description.encode()
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/xml" if xml_reply else "text/plain")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in {**extra, **reply.headers}.items():
                self.send_header(name, value)
            self.end_headers()
            try:
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client timed out first, as tests of the slow persona intend

        def log_message(self, *args):
            pass

    return Handler
