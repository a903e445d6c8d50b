"""Emailing completion receipts: a thin entry point; the work is in lti_app.services.receipts."""
from lti_app.services import receipts


def email_receipt(attempt_id):
    receipts.email_receipt(attempt_id)
