"""Attempts, their current CMI values, their append-only CMI log, question scores, re-marks and discounts."""
from sqlalchemy.orm import attribute_keyed_dict

from ..extensions import db
from ..scorm.changes import entry_ids_plain
from ..scorm.cmi import is_scorm12
from .base import JsonDocument, UTCDateTime, created_column, utcnow


class Attempt(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    resource_id = db.Column(db.ForeignKey("resource.id"), nullable=False)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    exam_version_id = db.Column(db.ForeignKey("exam_version.id"), nullable=False)
    number = db.Column(db.Integer, nullable=False, default=1)
    status = db.Column(db.String(20), nullable=False, default="open")  # open, finished
    started_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    finished_at = db.Column(UTCDateTime)
    end_reason = db.Column(db.String(20))  # finished (the package said so), time_up (the server ended it)
    finish_sequence = db.Column(db.Integer)  # the batch that finished it: earlier ones may still arrive
    last_commit_at = db.Column(UTCDateTime)
    completion_status = db.Column(db.String(30), nullable=False, default="unknown")
    success_status = db.Column(db.String(30), nullable=False, default="unknown")
    score = db.Column(db.Float)  # 0–1 after re-marks and discounts; None: no score yet
    raw_score = db.Column(db.Float)
    max_score = db.Column(db.Float)
    time_spent_seconds = db.Column(db.Float, nullable=False, default=0)
    # What a save would otherwise read the whole state for (services/attempts.py): its size in characters,
    # whether it holds SCORM 1.2 keys, and whether its objectives and interactions are told apart by their
    # ids (scorm/changes.py; None: not worked out yet, as after the migration that made the values rows).
    state_chars = db.Column(db.Integer, nullable=False, default=0)
    state_is_scorm12 = db.Column(db.Boolean, nullable=False, default=False)
    state_ids_plain = db.Column(db.Boolean, default=True)
    session_key = db.Column(db.String(64))  # the window allowed to save
    package_not_started_at = db.Column(UTCDateTime)  # the player saw no Initialize in time (last report)
    deleted_at = db.Column(UTCDateTime)
    deleted_by = db.Column(db.String(300))

    resource = db.relationship("Resource")
    user = db.relationship("User")
    exam_version = db.relationship("ExamVersion")
    values = db.relationship("AttemptValue", collection_class=attribute_keyed_dict("key"),
                             cascade="all, delete-orphan")

    __table_args__ = (db.Index("ix_attempt_resource_user", "resource_id", "user_id"),
                      db.Index("ix_attempt_status", "status"))

    @property
    def state(self) -> dict:
        """The current CMI values by key, as the player loads them."""
        return {key: row.value for key, row in self.values.items()}

    @state.setter
    def state(self, state: dict):
        """Replace every value (as set by no batch: any batch may change them)."""
        self.values = {key: AttemptValue(key=key, value=value, sequence=0) for key, value in state.items()}
        self.state_chars = sum(map(len, state)) + sum(map(len, state.values()))
        self.state_is_scorm12, self.state_ids_plain = is_scorm12(state), entry_ids_plain(state)


class AttemptValue(db.Model):
    """An attempt's current value of one CMI key, and the batch that set it: a save writes the keys it
    carries, whatever else the attempt holds."""

    attempt_id = db.Column(db.ForeignKey("attempt.id"), primary_key=True)
    key = db.Column(db.String(255), primary_key=True)
    value = db.Column(db.Text, nullable=False)
    sequence = db.Column(db.Integer, nullable=False)  # of the batch that set it; 0 when no batch did


class CommitBatch(db.Model):
    """A received commit: idempotency by batch id, and the receipt."""

    id = db.Column(db.Integer, primary_key=True)
    attempt_id = db.Column(db.ForeignKey("attempt.id"), nullable=False)
    batch_id = db.Column(db.String(64), nullable=False)
    sequence = db.Column(db.Integer, nullable=False)
    element_count = db.Column(db.Integer, nullable=False)
    received_at = created_column()
    late = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())  # kept, never scored

    __table_args__ = (db.UniqueConstraint("attempt_id", "batch_id"),)


class CmiElement(db.Model):
    """One CMI value as the browser set it: the append-only log."""

    id = db.Column(db.BigInteger().with_variant(db.Integer, "sqlite"), primary_key=True)
    attempt_id = db.Column(db.ForeignKey("attempt.id"), nullable=False)
    batch_id = db.Column(db.String(64), nullable=False)
    sequence = db.Column(db.Integer, nullable=False)
    key = db.Column(db.String(255), nullable=False)
    value = db.Column(db.Text, nullable=False)
    client_time = db.Column(UTCDateTime)
    server_time = db.Column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (db.Index("ix_cmi_element_attempt", "attempt_id", "id"),)


class QuestionScore(db.Model):
    """A question's (objective) or part's (interaction) score in one attempt, as the package says."""

    id = db.Column(db.Integer, primary_key=True)
    attempt_id = db.Column(db.ForeignKey("attempt.id"), nullable=False)
    item_id = db.Column(db.String(255), nullable=False)  # "q0" for a question, "q0p1" for a part
    kind = db.Column(db.String(10), nullable=False)  # question, part
    label = db.Column(db.String(300))  # the name people read (lti_app.scorm.names); null if stored before names
    position = db.Column(db.Integer, nullable=False, default=0)
    raw = db.Column(db.Float)
    max = db.Column(db.Float)

    __table_args__ = (db.UniqueConstraint("attempt_id", "item_id"),)


class Remark(db.Model):
    """An instructor's override of one question's or part's score in one attempt."""

    id = db.Column(db.Integer, primary_key=True)
    attempt_id = db.Column(db.ForeignKey("attempt.id"), nullable=False, index=True)
    item_id = db.Column(db.String(255), nullable=False)
    score = db.Column(db.Float, nullable=False)
    reason = db.Column(db.Text, nullable=False, default="")
    created_by = db.Column(db.String(300), nullable=False)
    created_at = created_column()


class Discount(db.Model):
    """A part or question discounted for the whole resource."""

    id = db.Column(db.Integer, primary_key=True)
    resource_id = db.Column(db.ForeignKey("resource.id"), nullable=False, index=True)
    item_id = db.Column(db.String(255), nullable=False)
    mode = db.Column(db.String(20), nullable=False)  # remove, full_marks
    created_by = db.Column(db.String(300), nullable=False)
    created_at = created_column()
    removed_at = db.Column(UTCDateTime)


class RemarkJob(db.Model):
    """Re-marking every attempt of a resource in the background; the row is the truth about its progress."""

    id = db.Column(db.Integer, primary_key=True)
    resource_id = db.Column(db.ForeignKey("resource.id"), nullable=False, index=True)
    state = db.Column(db.String(20), nullable=False, default="queued")  # queued, running, finished, failed
    total = db.Column(db.Integer, nullable=False, default=0)
    done = db.Column(db.Integer, nullable=False, default=0)
    changed = db.Column(db.Integer, nullable=False, default=0)
    failures = db.Column(JsonDocument, nullable=False, default=list)  # [{"attempt_id", "error"}]
    error = db.Column(db.Text)
    requested_by = db.Column(db.String(300), nullable=False, default="")
    created_at = created_column()
    finished_at = db.Column(UTCDateTime)
