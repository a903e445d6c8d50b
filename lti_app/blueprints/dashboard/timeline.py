"""An attempt's page: its marks, its timeline, and the attempt as it stood at a chosen time."""
from datetime import datetime

from flask import request

from ...services import attempts, marking, receipts, timeline
from . import bp
from .forms import DiscountForm, RemarkForm, in_zone
from .layout import attempt_or_404, page


@bp.get("/attempts/<int:attempt_id>")
def attempt(attempt_id):
    attempt = attempt_or_404(attempt_id)
    attempts.end_if_overdue(attempt)
    marks = marking.item_marks(attempt)
    remark_form, discount_form = RemarkForm(), DiscountForm()
    remark_form.item.choices = discount_form.item.choices = {mark.item_id: mark.label for mark in marks}
    moment = _moment(request.args.get("at", ""), request.args.get("timezone"))
    return page("dashboard/attempt.html", "dashboard/_attempt.html", attempt=attempt, marks=marks,
                total=marking.attempt_total(attempt, marks=marks),
                remark_form=remark_form, discount_form=discount_form, events=timeline.attempt_timeline(attempt),
                outcome=timeline.outcome_for(attempt),
                receipt=receipts.receipt_code(attempt), moment=moment,
                replay=timeline.state_at(attempt, moment) if moment else None)


def _moment(text, zone_name):
    """The chosen time, typed in the viewer's time zone (the page's script names it), as UTC."""
    try:
        return in_zone(datetime.fromisoformat(text), zone_name) if text else None
    except ValueError:
        return None
