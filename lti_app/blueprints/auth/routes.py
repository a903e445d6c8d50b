"""Password login for administrators, logout, and one-time links that open the dashboard in a new window."""
import hashlib
import logging

from flask import current_app, flash, redirect, render_template, request, session, url_for

from ... import rate_limits, tokens
from ...extensions import db
from ...lti.nonces import use_once
from ...models import Admin, User
from ..viewer import sign_in_admin, sign_in_user
from . import bp
from .forms import LoginForm

log = logging.getLogger(__name__)

ONE_TIME_LINK_AGE = 300


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        buckets = _login_buckets(email)
        wait = max(rate_limits.wait_seconds(bucket, limit) for bucket, limit in buckets)
        if wait:
            # Refused before the password is checked, so guessing on cannot tell a right password.
            log.warning("admin sign-in for %s from %s refused: too many failures", email, request.remote_addr)
            minutes = -(-wait // 60)
            return render_template("auth/login.html", form=form, wait_minutes=minutes), 429, {"Retry-After": str(wait)}
        admin = Admin.query.filter_by(email=email).one_or_none()
        if admin and admin.check_password(form.password.data):
            rate_limits.forget(buckets[0][0])
            sign_in_admin(admin)
            return redirect(_safe_next(request.args.get("next")))
        for bucket, _ in buckets:
            rate_limits.count_failure(bucket, current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"])
        flash("That email and password do not match an administrator.", "error")
    return render_template("auth/login.html", form=form), 200 if request.method == "GET" else 401


def _login_buckets(email):
    """(bucket, failures allowed per window): the account first, then the address the request came from."""
    config = current_app.config
    account = hashlib.sha256(email.encode()).hexdigest()[:32]
    return [(f"login-account:{account}", config["LOGIN_FAILURES_PER_ACCOUNT"]),
            (f"login-address:{request.remote_addr}", config["LOGIN_FAILURES_PER_ADDRESS"])]


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
    sign_in_user(user.id)
    return redirect(_safe_next(data["next"]))


def _safe_next(target):
    return target if target and target.startswith("/") and not target.startswith("//") else url_for("dashboard.home")
