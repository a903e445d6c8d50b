"""A local LTI 1.1 memberships service (the `ext_ims_lis_memberships_url` Moodle and Canvas announce):
checks the OAuth body signature, the message type and the memberships id, and answers with its class list.

    with LocalMemberships(members=[...]) as service:
        launch(..., ext_ims_lis_memberships_url=service.url, ext_ims_lis_memberships_id=service.memberships_id)
"""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from oauthlib.oauth1 import SignatureOnlyEndpoint
from oauthlib.oauth1.rfc5849.request_validator import RequestValidator

_REPLY = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><message_response><lti_message_type>{message_type}"
          "</lti_message_type><statusinfo><codemajor>{code}</codemajor><severity>Status</severity>"
          "<codeminor>{minor}</codeminor><description>{description}</description></statusinfo>"
          "<{wrapper}>{members}</{wrapper}></message_response>")
_MEMBER = ("<member><user_id>{user_id}</user_id><roles>{roles}</roles><person_name_given>{given}</person_name_given>"
           "<person_name_family>{family}</person_name_family><person_name_full>{name}</person_name_full>"
           "<person_contact_email_primary>{email}</person_contact_email_primary></member>")


class _Validator(RequestValidator):
    def __init__(self, key, secret):
        super().__init__()
        self.key, self.secret, self.nonces = key, secret, set()

    enforce_ssl = False
    dummy_client = "dummy"

    def check_client_key(self, client_key):
        return True

    def check_nonce(self, nonce):
        return True

    def validate_client_key(self, client_key, request):
        return client_key == self.key

    def get_client_secret(self, client_key, request):
        return self.secret if client_key == self.key else "dummy"

    def validate_timestamp_and_nonce(self, client_key, timestamp, nonce, request, **kwargs):
        if nonce in self.nonces:
            return False
        self.nonces.add(nonce)
        return True


class LocalMemberships:
    """`members`: dicts with user_id, name, given, family, email, roles. `wrapper`: "memberships" (Canvas,
    Moodle) or "members"; `refuse`: answer codemajor Failure with these words."""

    def __init__(self, members, key="test-key", secret="test-secret", memberships_id="course-1:abc",
                 wrapper="memberships", refuse=None):
        self.members, self.key, self.secret, self.memberships_id = members, key, secret, memberships_id
        self.wrapper, self.refuse, self.requests = wrapper, refuse, []
        self._endpoint = SignatureOnlyEndpoint(_Validator(key, secret))

    def __enter__(self):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.url = f"http://127.0.0.1:{self._server.server_port}/mod/lti/services.php/memberships"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._server.shutdown()
        self._thread.join()

    def answer(self, body: bytes, headers) -> tuple[int, bytes]:
        form = dict(parse_qsl(body.decode()))
        self.requests.append(form)
        valid, _ = self._endpoint.validate_request(self.url, "POST", body.decode(),
                                                   {"Content-Type": headers.get("Content-Type", "")})
        if not valid:
            return 401, b"OAuth signature not valid"
        if form.get("lti_message_type") != "basic-lis-readmembershipsforcontext":
            return 200, self._reply("Unsupported", "unsupported", "Unknown message type", [])
        if self.refuse or form.get("id") != self.memberships_id:
            return 200, self._reply("Failure", "failure", self.refuse or "Invalid memberships id", [])
        return 200, self._reply("Success", "fullsuccess", "", self.members)

    def _reply(self, code, minor, description, members) -> bytes:
        rows = "".join(_MEMBER.format(**{name: escape(str(member.get(name, ""))) for name in
                                         ("user_id", "roles", "given", "family", "name", "email")})
                       for member in members)
        return _REPLY.format(message_type="basic-lis-readmembershipsforcontext", code=code, minor=minor,
                             description=escape(description), wrapper=self.wrapper, members=rows).encode()


def _handler_for(service):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status, reply = service.answer(body, self.headers)
            self.send_response(status)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    return Handler
