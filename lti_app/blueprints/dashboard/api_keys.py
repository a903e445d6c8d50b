"""An administrator's admin API keys: create one (its secret is shown once), revoke one."""
from flask import abort, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length

from ...errors import UserFacingError
from ...services import api_keys
from ..viewer import current_viewer
from . import bp


class ApiKeyForm(FlaskForm):
    name = StringField("What it is for", validators=[Length(max=200)])


class RevokeForm(FlaskForm):
    pass


def _admin():
    admin = current_viewer().admin
    if admin is None:
        abort(404)
    return admin


@bp.get("/api-keys")
def api_keys_page():
    return _page(_admin(), ApiKeyForm())


@bp.post("/api-keys")
def create_api_key():
    admin = _admin()
    form = ApiKeyForm()
    if not form.validate_on_submit():
        return _page(admin, form), 422
    key = api_keys.create_key(admin.email, form.name.data)
    return _page(admin, ApiKeyForm(formdata=None), new_key=key), 201


@bp.post("/api-keys/<key_id>/revoke")
def revoke_api_key(key_id):
    admin = _admin()
    if not RevokeForm().validate_on_submit():
        abort(400)
    try:
        key = api_keys.revoke_key(key_id, admin=admin)
    except UserFacingError:
        abort(404)
    flash(f"API key {key.key_id} is revoked: requests signed with it are refused.", "info")
    return redirect(url_for("dashboard.api_keys_page"))


def _page(admin, form, new_key=None):
    return render_template("dashboard/api_keys.html", keys=api_keys.list_keys(admin), form=form,
                           revoke_form=RevokeForm(), new_key=new_key, viewer=current_viewer())
