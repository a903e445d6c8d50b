"""An attempt's page: its marks, its timeline, and the attempt as it stood at a chosen time."""
from datetime import datetime

from flask import request

from ...services import marking, receipts, timeline
from . import bp
from .forms import DiscountForm, RemarkForm, as_utc
from .layout import attempt_or_404, page


@bp.get("/attempts/<int:attempt_id>")
def attempt(attempt_id):
    attempt = attempt_or_404(attempt_id)
    marks = marking.item_marks(attempt)
    remark_form, discount_form = RemarkForm(), DiscountForm()
    remark_form.item.choices = discount_form.item.choices = {mark.item_id: mark.label for mark in marks}
    moment = _moment(request.args.get("at", ""))
    return page("dashboard/attempt.html", "dashboard/_attempt.html", attempt=attempt, marks=marks,
                remark_form=remark_form, discount_form=discount_form, events=timeline.attempt_timeline(attempt),
                outcome=timeline.outcome_for(attempt),
                receipt=receipts.receipt_code(attempt), moment=moment,
                replay=timeline.state_at(attempt, moment) if moment else None)


def _moment(text):
    try:
        return as_utc(datetime.fromisoformat(text)) if text else None
    except ValueError:
        return None
