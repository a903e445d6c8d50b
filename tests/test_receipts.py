"""Completion receipts: a code per finished attempt that cannot be made up, checked by instructors."""
import pytest

from lti_app.services import receipts
from tests import factories


@pytest.fixture
def world(app):
    return factories.classroom()


def test_a_receipt_names_its_attempt_and_cannot_be_forged(world):
    code = receipts.receipt_code(world.attempt)
    assert receipts.check_receipt(code) == world.attempt
    assert receipts.check_receipt(code.lower().replace("-", " - ")) == world.attempt
    forged = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert receipts.check_receipt(forged) is None
    other = factories.attempt(world.resource, world.classmate)
    assert receipts.check_receipt(code.replace(f"EG-{world.attempt.id}-", f"EG-{other.id}-")) is None


def test_open_attempts_have_no_receipt(world):
    assert receipts.receipt_code(factories.attempt(world.resource, world.classmate, status="open")) is None


def test_instructors_check_codes_only_for_their_resources(client, world):
    code = receipts.receipt_code(world.attempt)
    factories.sign_in(client, world.instructor)
    page = client.get("/dashboard/receipts", query_string={"code": code}).get_data(as_text=True)
    assert "genuine" in page and "Ada Learner" in page
    factories.sign_in(client, world.other_instructor)
    page = client.get("/dashboard/receipts", query_string={"code": code}).get_data(as_text=True)
    assert "not valid" in page and "Ada Learner" not in page


def test_receipt_is_emailed_when_smtp_is_configured(app, world, run_jobs, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append({"host": host, "port": port})

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def login(self, user, password):
            sent[-1]["login"] = user

        def send_message(self, message):
            sent[-1]["message"] = message

    monkeypatch.setattr("smtplib.SMTP", FakeSMTP)
    receipts.attempt_finished(world.attempt)
    run_jobs()
    assert sent == []  # no SMTP_URL: nothing is sent
    app.config["SMTP_URL"] = "smtp://mailer:pw@mail.example.edu:2525"
    receipts.attempt_finished(world.attempt)
    run_jobs()
    assert sent[0]["host"] == "mail.example.edu" and sent[0]["port"] == 2525 and sent[0]["login"] == "mailer"
    assert sent[0]["message"]["To"] == "student-1@example.edu"
    assert receipts.receipt_code(world.attempt) in sent[0]["message"].get_content()
