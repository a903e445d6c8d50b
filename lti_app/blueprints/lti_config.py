"""What an LMS reads to set Examgate up: the tool's public keys, Canvas configurations (LTI 1.3
developer key JSON, LTI 1.1 XML) and LTI Dynamic Registration."""
from urllib.parse import urlsplit

from flask import Blueprint, jsonify, render_template, request, url_for

from ..lti import keys, lti13
from ..services import registrations
from ..services.course_copy import HISTORY_CUSTOM
from ..services.registrations import SCOPES, ToolUrls

bp = Blueprint("lti_config", __name__, url_prefix="/lti")


def tool_urls() -> ToolUrls:
    return ToolUrls(launch=url_for("launch.launch", _external=True), login=url_for("launch.login", _external=True),
                    jwks=url_for("lti_config.jwks", _external=True))


@bp.get("/jwks.json")
def jwks():
    return jsonify(keys.jwks())


@bp.get("/config/lti13.json")
def canvas_lti13():
    """A Canvas developer key ("Paste JSON")."""
    urls = tool_urls()
    placement = {"text": "Examgate exam", "message_type": "LtiDeepLinkingRequest",
                 "target_link_uri": urls.launch}
    return jsonify({
        "title": "Examgate",
        "description": "Online exams (SCORM and Numbas) with scores sent to the gradebook.",
        "oidc_initiation_url": urls.login,
        "target_link_uri": urls.launch,
        "public_jwk_url": urls.jwks,
        "scopes": list(SCOPES),
        "extensions": [{
            "domain": urlsplit(urls.launch).netloc,
            "platform": "canvas.instructure.com",
            "privacy_level": "public",
            "settings": {"placements": [{**placement, "placement": "assignment_selection"},
                                        {**placement, "placement": "link_selection"}]},
        }],
        "custom_fields": HISTORY_CUSTOM,
    })


@bp.get("/config/canvas.xml")
def canvas_lti11():
    """Canvas "By URL" configuration for LTI 1.1."""
    body = render_template("lti_config/canvas.xml", launch_url=url_for("launch.launch", _external=True),
                           domain=urlsplit(request.host_url).netloc, custom=HISTORY_CUSTOM)
    return body, 200, {"Content-Type": "application/xml; charset=utf-8"}


@bp.get("/register")
def dynamic_registration():
    """LTI Dynamic Registration, started by the LMS with the URL (carrying `invite`) from the dashboard."""
    consumer = registrations.consumer_for_invite(request.args.get("invite", ""))
    registration = registrations.register_dynamically(
        consumer, request.args.get("openid_configuration", ""), request.args.get("registration_token"),
        tool_urls(), lti13.http_session())
    return render_template("lti13/registered.html", registration=registration)
