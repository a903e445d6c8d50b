"""POST /lti/launch: verify the launch, record it, send the person to their page."""
from urllib.parse import urlencode

from flask import Blueprint, current_app, redirect, request, url_for

from ..extensions import csrf
from ..lti import lti11
from ..models import Consumer
from ..services import launches
from .viewer import LAUNCH_TOKEN_PARAM, launch_token, sign_in_user

bp = Blueprint("launch", __name__, url_prefix="/lti")


@bp.post("/launch")
@csrf.exempt  # protected by the signature, the nonce and the timestamp
def launch():
    params = request.form.to_dict()
    consumer = Consumer.query.filter_by(key=params.get("oauth_consumer_key", "")).one_or_none()
    body = urlencode(list(request.form.items(multi=True)))
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if "Authorization" in request.headers:
        headers["Authorization"] = request.headers["Authorization"]
    lti11.verify(consumer if consumer and consumer.enabled else None, request.url, "POST", body, headers,
                 current_app.config["LTI_TIMESTAMP_WINDOW_SECONDS"])
    launch = launches.record_launch(consumer, launches.from_lti11(params))
    return land(launch)


def land(launch):
    """Learners to the resource's student page, staff to its dashboard; the token works without cookies."""
    sign_in_user(launch.user)
    token = {LAUNCH_TOKEN_PARAM: launch_token(launch)}
    if launch.role == "instructor":
        return redirect(url_for("dashboard.resource", resource_id=launch.resource_id, **token))
    return redirect(url_for("student.resource", resource_id=launch.resource_id, **token))
