"""An administrator's admin API keys: create one (its secret is shown once), revoke one."""
from flask import abort, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length

from ...errors import UserFacingError
from ...services import api_keys as api_key_service
from ..viewer import current_viewer
from . import bp
from .layout import admin_only


class ApiKeyForm(FlaskForm):
    name = StringField("What it is for", validators=[Length(max=200)])


class RevokeForm(FlaskForm):
    pass


@bp.get("/api-keys")
@admin_only
def api_keys():
    return _page(ApiKeyForm())


@bp.post("/api-keys")
@admin_only
def create_api_key():
    form = ApiKeyForm()
    if not form.validate_on_submit():
        return _page(form), 422
    key = api_key_service.create_key(current_viewer().admin.email, form.name.data)
    return _page(ApiKeyForm(formdata=None), new_key=key)


@bp.post("/api-keys/<key_id>/revoke")
@admin_only
def revoke_api_key(key_id):
    if not RevokeForm().validate_on_submit():
        abort(400)
    try:
        key = api_key_service.revoke_key(key_id, admin=current_viewer().admin)
    except UserFacingError:
        abort(404)
    flash(f"API key {key.key_id} is revoked: requests signed with it are refused.", "info")
    return redirect(url_for("dashboard.api_keys"))


def _page(form, new_key=None):
    viewer = current_viewer()
    return render_template("dashboard/api_keys.html", keys=api_key_service.list_keys(viewer.admin), form=form,
                           revoke_form=RevokeForm(), new_key=new_key, viewer=viewer)
