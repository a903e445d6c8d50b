"""LTI 1.3 registrations of a consumer (administrators), and fetching a course roster (instructors)."""
from flask import flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import StringField, URLField
from wtforms.validators import DataRequired, URL

from ...errors import UserFacingError
from ...models import Lti13Registration
from ...services import registrations, roster
from ..viewer import get_or_404
from . import bp
from .layout import admin_only, consumer_or_404, resource_or_404


class RegistrationForm(FlaskForm):
    issuer = StringField("Issuer", validators=[DataRequired()])
    client_id = StringField("Client id", validators=[DataRequired()])
    deployment_ids = StringField("Deployment ids (space separated)")
    auth_login_url = URLField("Authorisation (OIDC login) URL", validators=[DataRequired(), URL(require_tld=False)])
    auth_token_url = URLField("Token URL", validators=[DataRequired(), URL(require_tld=False)])
    key_set_url = URLField("Public key set URL", validators=[DataRequired(), URL(require_tld=False)])


@bp.route("/consumers/<int:consumer_id>/lti13", methods=["GET", "POST"])
@admin_only
def registrations_page(consumer_id):
    consumer = consumer_or_404(consumer_id)
    form = RegistrationForm()
    if form.validate_on_submit():
        registrations.register(consumer, form.issuer.data, form.client_id.data, form.deployment_ids.data.split(),
                               form.auth_login_url.data, form.auth_token_url.data, form.key_set_url.data)
        flash("Registration saved.", "info")
        return redirect(url_for("dashboard.registrations_page", consumer_id=consumer.id))
    invite_url = url_for("lti_config.dynamic_registration", invite=registrations.invite_token(consumer),
                         _external=True)
    return render_template("dashboard/registrations.html", consumer=consumer, form=form, invite_url=invite_url,
                           registrations=consumer.registrations)


@bp.post("/consumers/<int:consumer_id>/lti13/<int:registration_id>/delete")
@admin_only
def delete_registration(consumer_id, registration_id):
    consumer = consumer_or_404(consumer_id)
    registration = get_or_404(Lti13Registration, registration_id, consumer_id=consumer.id)
    registrations.delete(registration)
    flash("Registration deleted.", "info")
    return redirect(url_for("dashboard.registrations_page", consumer_id=consumer.id))


@bp.post("/resources/<int:resource_id>/roster")
def sync_roster(resource_id):
    """Fetch the course roster from the LMS, then show who never started."""
    resource = resource_or_404(resource_id)
    try:
        result, error = roster.sync(resource.context), None
    except UserFacingError as refusal:  # shown in the card, where the instructor clicked
        result, error = None, refusal.message
    response = render_template("dashboard/_never_started.html", resource=resource, result=result, error=error,
                               learners=roster.never_started(resource), roster_offered=True)
    return response, 200, {"Vary": "HX-Request"}
