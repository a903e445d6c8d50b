"""The LTI launch: POST /lti/launch (1.1 signed form, or 1.3 id_token), /lti/login (1.3 OIDC
initiation) and the LTI 1.3 deep linking answer."""

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from ..extensions import csrf
from ..lti import lti11, lti13
from ..lti.advantage import SCORE_MAXIMUM
from ..lti.errors import LaunchRefused
from ..lti.roles import examgate_role
from ..models import Lti13Registration
from ..services import consumers, deep_linking, frame_ancestors, launches
from .viewer import LAUNCH_TOKEN_PARAM, get_or_404, launch_token, sign_in_user

bp = Blueprint("launch", __name__, url_prefix="/lti")


@bp.post("/launch")
@csrf.exempt  # protected by the signature, the nonce and the timestamp (1.1) or the state (1.3)
def launch():
    if "id_token" in request.form:
        return _launch_lti13()
    params = request.form.to_dict()
    authorization = request.headers.get("Authorization")
    consumer = consumers.by_key(lti11.consumer_key(params, authorization))
    body = list(request.form.items(multi=True))  # decoded once, by Flask: oauthlib takes the pairs as they are
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if authorization:
        headers["Authorization"] = authorization
    lti11.verify(consumer if consumer and consumer.enabled else None, request.url, "POST", body, headers,
                 current_app.config["LTI_TIMESTAMP_WINDOW_SECONDS"])
    data = launches.from_lti11(params)
    frame_ancestors.learn(consumer, data.return_url, request.headers.get("Origin"))
    return land(launches.record_launch(consumer, data))


@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt  # the platform starts the login; the state it gets back protects the launch
def login():
    return lti13.login(url_for("launch.launch", _external=True))


def _launch_lti13():
    verified = lti13.verify_launch()
    if verified.message_type == lti13.DEEP_LINKING_REQUEST:
        return _deep_linking_picker(verified)
    data = launches.from_lti13(verified.claims, verified.registration.id)
    consumer = verified.registration.consumer
    frame_ancestors.learn(consumer, data.return_url, request.headers.get("Origin"))
    return land(launches.record_launch(consumer, data))


def _deep_linking_picker(verified):
    roles = verified.claims.get(lti13.CLAIM + "roles") or []
    if examgate_role(roles) != "instructor":
        raise LaunchRefused("Only instructors can add Examgate exams to a course.", 403, "not_instructor")
    consumer = verified.registration.consumer
    return render_template("lti13/deep_link.html", exams=deep_linking.catalogue(consumer.id),
                           token=lti13.remember_deep_link(verified), consumer=consumer)


@bp.post("/deep-link")
@csrf.exempt  # inside the LMS iframe there may be no cookie; the one-time picker token protects it
def deep_link():
    """Send the picked exam back to the platform as an LtiResourceLink with a line item."""
    token = request.form.get("token", "")
    picker = lti13.deep_link_request(token)
    if picker is None:
        raise LaunchRefused("This exam picker has expired or was already used. Open it again from the LMS.",
                            400, "deep_link_expired")
    registration = get_or_404(Lti13Registration, picker["registration_id"])
    exam = deep_linking.pick(registration.consumer_id, request.form.get("exam_id", type=int))
    return_url, jwt = lti13.answer_deep_link(token, picker, exam.title, url_for("launch.launch", _external=True),
                                             deep_linking.link_custom(exam), SCORE_MAXIMUM)
    return render_template("lti13/deep_link_return.html", return_url=return_url, jwt=jwt, exam=exam)


def land(recorded: launches.Recorded):
    """Learners to the resource's student page, staff to its dashboard (its exam page while it has no exam);
    the token works without cookies."""
    sign_in_user(recorded.user_id)
    token = {LAUNCH_TOKEN_PARAM: launch_token(recorded.launch_id)}
    if recorded.role == "instructor":
        # A link nobody has set up yet opens where it is set up: copy a set-up, or pick an exam.
        page = "dashboard.resource" if recorded.exam_id else "dashboard.exam_package"
        return redirect(url_for(page, resource_id=recorded.resource_id, **token))
    return redirect(url_for("student.resource", resource_id=recorded.resource_id, **token))
