"""An LTI 1.3 platform for the tests: `lti1p3platform` (which we did not write) served by Flask on
127.0.0.1 in a thread. It signs id_tokens, publishes its JWKS, issues access tokens against the tool's
JWT assertion, and keeps line items, scores, a roster and deep linking answers. Scores are kept as
Moodle keeps them: timestamps to the whole second, and a score not stamped later than the one held is
refused with 409 "Refusing score with an earlier timestamp", the reason only in the status line.

    with LocalPlatform(tool_url="http://127.0.0.1:5001") as platform:
        form, launch_url = platform.authorize(browser, "learner")    # OIDC login at the tool, then /authorize
        browser.post(launch_url, data=form)                            # the id_token POST

`authorize(..., claims={...}, expires_in=-120)` bends one id_token (audience, deployment, expiry); a claim
given as None is left out.
Quirk fixed here: lti1p3platform answers line-item lists as {"content": [...]}; pylti1p3 wants an array.
"""
import collections
import itertools
import threading
import time
from datetime import datetime

import jwt

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, jsonify, request
from lti1p3platform.exceptions import LineItemNotFoundException
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.membership import Context
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request
from lti1p3platform.score import UpdateScoreStatus
from lti1p3platform.service_connector import AssignmentsGradesService, NamesRoleProvisioningService
from werkzeug.serving import make_server

from .outcome_service import unused_port

CLIENT_ID = "examgate-client"
DEPLOYMENT_ID = "deployment-1"
PEOPLE = {
    "learner": {"user_id": "ada-sub", "lis_roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
                "full_name": "Ada Learner", "email_address": "ada@example.edu"},
    "instructor": {"user_id": "tom-sub",
                   "lis_roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"],
                   "full_name": "Tom Teacher", "email_address": "tom@example.edu"},
}
PEOPLE["deep-link"] = PEOPLE["instructor"]


def _private_pem():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


class _FlaskRequest(Request):
    def build_metadata(self, req):
        return {"method": req.method, "form_data": req.form.to_dict(), "get_data": req.args.to_dict(),
                "headers": req.headers, "content_type": req.content_type, "path": req.path,
                "json": req.get_json(force=True, silent=True) if req.data else None}


class _Config(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, registration):
        self._registration = registration

    def get_registration_by_params(self, **kwargs):
        return self._registration


class _Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs):
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url):
        return url


class _Launch(LTIAdvantageMessageLaunchAbstract):
    def get_preflight_response(self):
        return self._request.get_data

    def render_launch_form(self, launch_data, **kwargs):
        return launch_data


class _Grades(AssignmentsGradesService):
    def __init__(self, platform, **kwargs):
        super().__init__(**kwargs)
        self.platform = platform

    def find_lineitems(self, page=1, limit=None, line_item_id=None, resource_link_id=None, resource_id=None,
                       tag=None):
        items = [item for item in self.platform.lineitems.values()
                 if resource_link_id is None or item.get("resourceLinkId") == resource_link_id]
        return {"content": items, "has_next": False}

    def find_lineitem(self, line_item_id):
        if line_item_id not in self.platform.lineitems:
            raise LineItemNotFoundException()
        return self.platform.lineitems[line_item_id]

    def create_lineitem(self, creation_data):
        return self.platform.add_lineitem(**creation_data)

    def update_lineitem(self, update_data):
        raise NotImplementedError

    def delete_lineitem(self, line_item_id):
        raise NotImplementedError

    def update_score(self, line_item_id, score):
        self.find_lineitem(line_item_id)
        self.platform.keep_score(line_item_id, score)
        return UpdateScoreStatus.SUCCESS

    def get_results(self, line_item_id, page=1, limit=None, user_id=None):
        raise NotImplementedError


class EarlierTimestamp(Exception):
    """Moodle's refusal of a score not stamped later than the one it holds (the reason is in the status line)."""


class _Roster(NamesRoleProvisioningService):
    def __init__(self, platform, **kwargs):
        super().__init__(**kwargs)
        self.platform = platform

    def get_member_data_page(self, page=1, limit=None, role=None, since=None):
        return {"content": [dict(member) for member in self.platform.members], "has_next": False}

    def get_context_by_id(self):
        return Context(id="course-1", label="ALG", title="Algebra")


class LocalPlatform:
    def __init__(self, tool_url: str):
        self.port = unused_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.tool_url = tool_url.rstrip("/")
        private, public = _private_pem()
        self.registration = (
            Registration().set_iss(self.url).set_client_id(CLIENT_ID).set_deployment_id(DEPLOYMENT_ID)
            .set_launch_url(f"{self.tool_url}/lti/launch").set_deeplink_launch_url(f"{self.tool_url}/lti/launch")
            .set_oidc_login_url(f"{self.tool_url}/lti/login").set_tool_key_set_url(f"{self.tool_url}/lti/jwks.json")
            .set_platform_private_key(private).set_platform_public_key(public))
        self.lineitems, self.scores, self.deep_links, self.token_requests = {}, {}, [], []
        self.refuse_tokens = False  # True: the token endpoint answers 401 invalid_client
        self.score_replies = collections.deque()  # (status, headers) answered instead of storing the next scores
        self.score_seconds = {}  # (line item, user): the held score's timestamp in whole seconds, as Moodle keeps it
        self.tool_registrations = []
        self.members = [{"user_id": "ada-sub", "name": "Ada Learner", "roles": PEOPLE["learner"]["lis_roles"]},
                        {"user_id": "bob-sub", "name": "Bob Absent", "email": "bob@example.edu",
                         "roles": PEOPLE["learner"]["lis_roles"]},
                        {"user_id": "cy-sub", "name": "Cy Gone", "status": "Deleted",
                         "roles": PEOPLE["learner"]["lis_roles"]}]
        self._ids = itertools.count(1)
        self._pending = {}
        self._server = make_server("127.0.0.1", self.port, self._app(), threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- what the tests call -------------------------------------------------------------------------------
    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._thread.join()

    @property
    def login_params(self):
        return {"iss": self.url, "client_id": CLIENT_ID, "lti_deployment_id": DEPLOYMENT_ID}

    def add_lineitem(self, **fields):
        item_id = f"{self.url}/lineitems/{next(self._ids)}"
        self.lineitems[item_id] = {**fields, "id": item_id}
        return self.lineitems[item_id]

    def keep_score(self, line_item_id, score):
        """Store a score as Moodle does: its timestamp cut to the whole second, refused (409) unless later."""
        moment = score.get("timestamp")
        seconds = int(datetime.fromisoformat(moment).timestamp()) if moment else int(time.time())
        key = (line_item_id, score["userId"])
        if self.score_seconds.get(key, -1) >= seconds:
            number = line_item_id.rsplit("/", 1)[-1]
            raise EarlierTimestamp(f"Refusing score with an earlier timestamp for item {number} and user {score['userId']}")
        self.score_seconds[key] = seconds
        self.scores.setdefault(line_item_id, []).append(score)

    def authorize(self, browser, kind, link="link-1", lineitem=None, claims=None, expires_in=300, custom=None):
        """The OIDC round trip up to the id_token form: (form fields, launch URL)."""
        hint = f"{kind}:{next(self._ids)}"
        self._pending[hint] = {"kind": kind, "link": link, "lineitem": lineitem, "claims": claims or {},
                               "expires_in": expires_in, "custom": custom or {}}
        login = _Login(None, _Config(registration=self.registration))
        login.set_lti_message_hint(hint=hint)
        to_tool = login.initiate_login(PEOPLE[kind]["user_id"])
        reply = browser.get(to_tool, allow_redirects=False)
        assert reply.status_code == 302, reply.text
        answer = browser.get(reply.headers["Location"])
        assert answer.status_code == 200, answer.text
        data = answer.json()
        return {"id_token": data["id_token"], "state": data["state"]}, data["launch_url"]

    # -- the platform's HTTP side --------------------------------------------------------------------------
    def _app(self):
        app = Flask("lti13-platform")

        @app.get("/authorize")
        def authorize():
            pending = self._pending[request.args["lti_message_hint"]]
            launch = _Launch(_FlaskRequest(request), _Config(registration=self.registration))
            self._prepare(launch, pending)
            launch.set_id_token_expiration(pending["expires_in"])
            data = launch.lti_launch()
            if pending["claims"]:
                data["id_token"] = self._resign(data["id_token"], pending["claims"])
            return jsonify(data)

        @app.get("/jwks")
        def jwks():
            return jsonify({"keys": self.registration.get_jwks()})

        @app.post("/token")
        def token():
            self.token_requests.append(request.form.to_dict())
            if self.refuse_tokens:
                return jsonify({"error": "invalid_client", "error_description": "Client authentication failed"}), 401
            config = _Config(registration=self.registration)
            try:
                return jsonify(config.get_access_token(request.form.to_dict()))
            except Exception as error:  # the platform's own refusal, as a token endpoint answers it
                return jsonify({"error": "invalid_client", "error_description": str(error)}), 401

        @app.route("/lineitems", methods=["GET", "POST"])
        def lineitems():
            service = self._grades()
            reply = service.handle_get_lineitems() if request.method == "GET" else service.handle_create_lineitem()
            return self._json(reply, unwrap=True)

        @app.get("/lineitems/<int:number>")
        def lineitem(number):
            return self._json(self._grades().handle_get_lineitem(f"{self.url}/lineitems/{number}"))

        @app.post("/lineitems/<int:number>/scores")
        def scores(number):
            if self.score_replies:
                status, headers = self.score_replies.popleft()
                return jsonify({"error": "scripted"}), status, headers
            try:
                return self._json(self._grades().handle_update_score(f"{self.url}/lineitems/{number}"))
            except EarlierTimestamp as refusal:
                return "[]", f"409 {refusal}", {"Content-Type": "application/json"}

        @app.get("/memberships")
        def memberships():
            roster = _Roster(self, request=_FlaskRequest(request), platform_config=_Config(registration=self.registration),
                             context_memberships_url=f"{self.url}/memberships")
            return self._json(roster.handle_get_members())

        @app.get("/.well-known/openid-configuration")
        def openid_configuration():
            return jsonify({"issuer": self.url, "authorization_endpoint": f"{self.url}/authorize",
                            "token_endpoint": f"{self.url}/token", "jwks_uri": f"{self.url}/jwks",
                            "registration_endpoint": f"{self.url}/register",
                            "scopes_supported": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"]})

        @app.post("/register")
        def dynamic_registration():
            if request.headers.get("Authorization") != "Bearer registration-token":
                return jsonify({"error": "invalid registration token"}), 401
            self.tool_registrations.append(request.get_json())
            return jsonify({"client_id": "dynamic-client", "https://purl.imsglobal.org/spec/lti-tool-configuration":
                            {"deployment_id": "dynamic-deployment"}})

        @app.post("/deep-link-return")
        def deep_link_return():
            config = _Config(registration=self.registration)
            self.deep_links.append(config.validate_deeplinking_resp(request.form.to_dict()))
            return "deep link received"

        return app

    def _prepare(self, launch, pending):
        person = PEOPLE[pending["kind"]]
        launch.set_user_data(**person)
        launch.set_launch_context_claim("course-1", context_title="Algebra", context_label="ALG")
        if pending["kind"] == "deep-link":
            launch.set_dl(f"{self.url}/deep-link-return", title="Add content", accept_types={"ltiResourceLink"},
                          extra_data={"opaque": "platform-data"})
            return
        launch.set_resource_link_claim(pending["link"], title="Week 1 quiz")
        launch.set_ags(f"{self.url}/lineitems", pending["lineitem"])
        launch.set_nrps(f"{self.url}/memberships")
        if pending["custom"]:
            launch.set_custom_parameters_claim(pending["custom"])

    def _resign(self, id_token, claims):
        body = jwt.decode(id_token, options={"verify_signature": False})
        body.update(claims)
        return self.registration.platform_encode_and_sign({k: v for k, v in body.items() if v is not None})

    def _grades(self):
        return _Grades(self, request=_FlaskRequest(request), platform_config=_Config(registration=self.registration),
                       lineitems_url=f"{self.url}/lineitems")

    @staticmethod
    def _json(reply, unwrap=False):
        if not 200 <= reply.code < 300:
            return jsonify({"error": reply.message}), reply.code
        body = reply.result
        if unwrap and isinstance(body, dict) and "content" in body:
            body = body["content"]
        return jsonify(body), reply.code, {"Content-Type": reply.media_type}
