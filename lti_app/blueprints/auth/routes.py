"""Password login for administrators, logout, and one-time links that open the dashboard in a new window."""
from flask import flash, redirect, render_template, request, session, url_for

from ... import tokens
from ...extensions import db
from ...lti.nonces import use_once
from ...models import Admin, User
from ..viewer import sign_in_admin, sign_in_user
from . import bp
from .forms import LoginForm

ONE_TIME_LINK_AGE = 300


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        admin = Admin.query.filter_by(email=form.email.data.strip().lower()).one_or_none()
        if admin and admin.check_password(form.password.data):
            sign_in_admin(admin)
            return redirect(_safe_next(request.args.get("next")))
        flash("That email and password do not match an administrator.", "error")
    return render_template("auth/login.html", form=form), 200 if request.method == "GET" else 401


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("auth.login"))


def one_time_link(user, next_url):
    """A link that signs `user` in once, for a page the LMS iframe could not keep a cookie for."""
    token = tokens.sign("one-time-login", {"user": user.id, "next": next_url})
    return url_for("auth.one_time", token=token, _external=True)


@bp.get("/once/<token>")
def one_time(token):
    data = tokens.read("one-time-login", token, max_age=ONE_TIME_LINK_AGE)
    user = db.session.get(User, data["user"]) if data else None
    if user is None or not use_once("login-link", token, ONE_TIME_LINK_AGE):
        return render_template("error.html", status=403, title="Link expired",
                               message="This sign-in link was already used or is too old. "
                                       "Launch Examgate from your LMS again."), 403
    sign_in_user(user)
    return redirect(_safe_next(data["next"]))


def _safe_next(target):
    return target if target and target.startswith("/") and not target.startswith("//") else url_for("dashboard.home")
