"""The score an LMS should hold for one (resource, user), and every try to deliver it."""
from ..extensions import db
from .base import UTCDateTime, created_column, utcnow

# not_sent: the launch gave no gradebook (an LTI 1.1 launch without lis_outcome_service_url): nothing to retry.
OUTCOME_STATES = ("pending", "sending", "sent", "retrying", "failed", "not_sent")


class Outcome(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    consumer_id = db.Column(db.ForeignKey("consumer.id"), nullable=False)
    resource_id = db.Column(db.ForeignKey("resource.id"), nullable=False)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    score = db.Column(db.Float, nullable=False)  # the latest score to report, 0–1
    sent_score = db.Column(db.Float)  # what the LMS last accepted
    state = db.Column(db.String(20), nullable=False, default="pending")
    tries = db.Column(db.Integer, nullable=False, default=0)
    last_status = db.Column(db.Integer)
    code_major = db.Column(db.String(50))
    description = db.Column(db.Text)
    due_at = db.Column(UTCDateTime, index=True)  # when the next try may go
    queued_at = db.Column(UTCDateTime)
    sent_at = db.Column(UTCDateTime)
    # LTI 1.3: the timestamp of the last score sent, in whole seconds (Moodle keeps no more); the next is later.
    score_timestamp = db.Column(UTCDateTime)
    created_at = created_column()
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    resource = db.relationship("Resource")
    user = db.relationship("User")

    __table_args__ = (db.UniqueConstraint("resource_id", "user_id"),)


class OutcomeDelivery(db.Model):
    """One try to deliver an outcome, with the LMS's reply."""

    id = db.Column(db.Integer, primary_key=True)
    outcome_id = db.Column(db.ForeignKey("outcome.id"), nullable=False, index=True)
    score = db.Column(db.Float, nullable=False)
    action = db.Column(db.String(20), nullable=False)
    http_status = db.Column(db.Integer)
    code_major = db.Column(db.String(50))
    description = db.Column(db.Text)
    created_at = created_column()
