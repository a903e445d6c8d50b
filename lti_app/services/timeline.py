"""An attempt's history for instructors: launches, commits with their CMI values, re-marks, discounts,
scores sent to the LMS; and the attempt as it stood at a chosen moment, replayed from the CMI log."""
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from ..models import CmiElement, CommitBatch, Discount, Launch, Outcome, OutcomeDelivery, Remark
from ..scorm.cmi import attempt_result
from ..scorm.names import item_labels
from . import marking

COLLECTION = re.compile(r"^cmi\.(objectives|interactions)\.(\d+)\.(.+)$")
LONG_VALUE = 120


@dataclass
class Event:
    at: datetime
    kind: str  # launch, start, commit, late, remark, discount, finish, delete, outcome, problem
    title: str
    who: str = ""
    groups: list = field(default_factory=list)  # [(heading, [(name, value)])] for commits
    detail: str = ""


def attempt_timeline(attempt) -> list[Event]:
    events = [Event(attempt.started_at, "start", f"Attempt {attempt.number} started", attempt.user.display_name)]
    events += [Event(launch.created_at, "launch", f"Launched as {launch.role} (LTI {launch.lti_version})",
                     attempt.user.display_name) for launch in Launch.query.filter_by(attempt_id=attempt.id)]
    events += _commits(attempt)
    names = {mark.item_id: mark.label for mark in marking.item_marks(attempt)}
    events += [Event(remark.created_at, "remark",
                     f"{names.get(remark.item_id, remark.item_id)} re-marked to {remark.score:g}",
                     remark.created_by, detail=remark.reason) for remark in Remark.query.filter_by(attempt_id=attempt.id)]
    for discount in Discount.query.filter_by(resource_id=attempt.resource_id):
        label = "removed from the total" if discount.mode == "remove" else "given full marks"
        name = names.get(discount.item_id, discount.item_id)
        events.append(Event(discount.created_at, "discount", f"{name} {label} for everyone", discount.created_by))
        if discount.removed_at:
            events.append(Event(discount.removed_at, "discount", f"Discount of {name} withdrawn"))
    if attempt.finished_at:
        how = " when its time ran out" if attempt.end_reason == "time_up" else ""
        events.append(Event(attempt.finished_at, "finish", f"Attempt {attempt.number} finished{how}"))
    if attempt.package_not_started_at:
        events.append(Event(attempt.package_not_started_at, "problem", "The exam package did not start",
                            attempt.user.display_name, detail="The player saw no Initialize call from the package "
                            "(a script that failed to load?) and told the student."))
    if attempt.deleted_at:
        events.append(Event(attempt.deleted_at, "delete", "Attempt deleted", attempt.deleted_by or ""))
    events += _deliveries(attempt)
    return sorted(events, key=lambda event: event.at)


def _commits(attempt):
    elements = defaultdict(list)
    for element in CmiElement.query.filter_by(attempt_id=attempt.id).order_by(CmiElement.id):
        elements[element.batch_id].append(element)
    names = item_names(attempt.state or {})
    # A save that carried no values (the exam's timer saving, nothing changed) says nothing to a person.
    return [Event(batch.received_at, "late" if batch.late else "commit", _commit_title(batch),
                  groups=readable(elements.get(batch.batch_id, []), names))
            for batch in CommitBatch.query.filter_by(attempt_id=attempt.id).order_by(CommitBatch.id)
            if batch.element_count]


def _commit_title(batch):
    values = f"{batch.element_count} value{'s' if batch.element_count != 1 else ''}"
    if batch.late:
        return f"Saved {values} after the deadline (save {batch.sequence}): kept, not scored"
    return f"Saved {values} (save {batch.sequence})"


def outcome_for(attempt) -> Outcome | None:
    """The score the LMS should hold for the attempt's student on its resource."""
    return Outcome.query.filter_by(resource_id=attempt.resource_id, user_id=attempt.user_id).one_or_none()


def _deliveries(attempt):
    outcome = outcome_for(attempt)
    if outcome is None:
        return []
    events = [Event(delivery.created_at, "outcome",
                    f"Score {delivery.score:.0%} sent to the LMS ({delivery.action}): "
                    f"{delivery.http_status or 'no reply'} {delivery.code_major or ''}".strip(),
                    detail=delivery.description or "")
              for delivery in OutcomeDelivery.query.filter_by(outcome_id=outcome.id)]
    if outcome.state in ("pending", "retrying") and outcome.queued_at:
        events.append(Event(outcome.queued_at, "outcome", f"Score {outcome.score:.0%} queued for the LMS"))
    if outcome.state == "not_sent":
        events.append(Event(outcome.updated_at, "outcome", f"Score {outcome.score:.0%} {outcome.description}"))
    return events


def item_names(state) -> dict:
    """{("objectives", "0"): "Question 1", ("interactions", "3"): "Question 2, part a"} from the CMI state."""
    labels = item_labels(attempt_result(state))
    names = {}
    for key, value in state.items():
        match = COLLECTION.match(key)
        if match and match.group(3) == "id":
            names[match.group(1), match.group(2)] = labels.get(value, value)
    return names


def readable(elements, names) -> list:
    """A commit's values grouped by question, part, or the exam as a whole, in the order they were set."""
    groups = {}
    for element in elements:
        match = COLLECTION.match(element.key)
        if match:
            collection, index, name = match.groups()
            noun = "Question" if collection == "objectives" else "Part"
            heading = names.get((collection, index), f"{noun} #{int(index) + 1}")
        else:
            heading, name = "Exam", element.key.removeprefix("cmi.")
        value = element.value if len(element.value) <= LONG_VALUE else element.value[:LONG_VALUE] + "…"
        groups.setdefault(heading, []).append((name, value))
    return list(groups.items())


def state_at(attempt, moment):
    """The attempt's CMI state, result and item names as they stood at `moment`, from the log (late batches
    never count)."""
    state = {}
    late = CommitBatch.query.with_entities(CommitBatch.batch_id).filter_by(attempt_id=attempt.id, late=True)
    for element in (CmiElement.query.filter(CmiElement.attempt_id == attempt.id, CmiElement.server_time <= moment,
                                            CmiElement.batch_id.not_in(late))
                    .order_by(CmiElement.sequence, CmiElement.id)):
        state[element.key] = element.value
    result = attempt_result(state)
    return state, result, item_labels(result)
