"""Completion receipts: a code a student keeps to prove they finished an attempt, and its check.

The code names the attempt and carries an HMAC over the attempt, its student and the moment it was
finished, keyed by the app's secret: it cannot be made up, and stays valid after a re-mark."""
import base64
import hashlib
import hmac
import logging
import re
import smtplib
from email.message import EmailMessage
from urllib.parse import urlsplit

from flask import current_app

from ..extensions import db, jobs
from ..models import Attempt

log = logging.getLogger(__name__)

CODE = re.compile(r"^EG-(\d+)-([A-Z2-7]{4})-([A-Z2-7]{4})-([A-Z2-7]{4})-([A-Z2-7]{4})$")


def receipt_code(attempt) -> str | None:
    """The receipt code of a finished attempt (None while it is open)."""
    if attempt.finished_at is None:
        return None
    mac = _mac(attempt)
    return f"EG-{attempt.id}-" + "-".join(mac[i:i + 4] for i in range(0, 16, 4))


def check_receipt(code) -> Attempt | None:
    """The attempt a genuine receipt code was issued for, else None."""
    match = CODE.match(re.sub(r"\s+", "", code or "").upper())
    attempt = db.session.get(Attempt, int(match.group(1))) if match else None
    if attempt is None or attempt.finished_at is None:
        return None
    return attempt if hmac.compare_digest("".join(match.groups()[1:]), _mac(attempt)) else None


def _mac(attempt):
    message = f"receipt:{attempt.id}:{attempt.user_id}:{attempt.finished_at.timestamp():.6f}".encode()
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), message, hashlib.sha256).digest()
    return base64.b32encode(digest[:10]).decode()


def attempt_finished(attempt):
    """Email the receipt when SMTP is configured and the student has an address (after commit)."""
    if current_app.config.get("SMTP_URL") and attempt.user.email:
        jobs.enqueue("workers.receipt_jobs.email_receipt", attempt.id)


def email_receipt(attempt_id):
    attempt = db.session.get(Attempt, attempt_id)
    message = EmailMessage()
    message["Subject"] = f"Your receipt for {attempt.resource.display_name}"
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = attempt.user.email
    message.set_content(
        f"You finished {attempt.resource.display_name} (attempt {attempt.number}) at "
        f"{attempt.finished_at:%Y-%m-%d %H:%M} UTC.\n\nReceipt code: {receipt_code(attempt)}\n\n"
        "Keep this code: your instructor can check it if there is any doubt about your attempt.\n")
    url = urlsplit(current_app.config["SMTP_URL"])
    smtp_class = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    with smtp_class(url.hostname, url.port or (465 if url.scheme == "smtps" else 25), timeout=20) as smtp:
        if url.username:
            smtp.login(url.username, url.password or "")
        smtp.send_message(message)
    log.info("receipt for attempt %s emailed to user %s", attempt.id, attempt.user_id)
