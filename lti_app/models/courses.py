"""Contexts (courses), resources (resource links) and who takes part in them."""
from ..extensions import db
from .base import UTCDateTime, created_column, utcnow

REPORT_MODES = ("immediately", "on_completion", "on_close", "manually")
GRADING_METHODS = ("highest", "last", "first")


class Context(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    consumer_id = db.Column(db.ForeignKey("consumer.id"), nullable=False)
    lti_context_id = db.Column(db.String(255), nullable=False)
    title = db.Column(db.String(500), nullable=False, default="")
    label = db.Column(db.String(255), nullable=False, default="")
    term = db.Column(db.String(255), nullable=False, default="")
    memberships_url = db.Column(db.String(500))  # LTI 1.3 Names and Roles service, kept once known
    # The LTI 1.1 memberships extension (ext_ims_lis_memberships_url and _id), kept once a launch announces it
    lis_memberships_url = db.Column(db.String(500))
    lis_memberships_id = db.Column(db.String(500))
    created_at = created_column()

    consumer = db.relationship("Consumer")
    resources = db.relationship("Resource", back_populates="context")

    __table_args__ = (db.UniqueConstraint("consumer_id", "lti_context_id"),)

    @property
    def display_name(self):
        return self.title or self.label or self.lti_context_id


class Resource(db.Model):
    """A resource link in the LMS, and the exam it runs with its settings."""

    id = db.Column(db.Integer, primary_key=True)
    consumer_id = db.Column(db.ForeignKey("consumer.id"), nullable=False)
    context_id = db.Column(db.ForeignKey("context.id"), nullable=False, index=True)
    lti_resource_link_id = db.Column(db.String(255), nullable=False)
    title = db.Column(db.String(500), nullable=False, default="")
    exam_id = db.Column(db.ForeignKey("exam.id"))
    exam_version_id = db.Column(db.ForeignKey("exam_version.id"))
    # New resources take their consumer's default_report_mode; "immediately" sends partial scores mid-exam.
    report_mode = db.Column(db.String(20), nullable=False, default="on_completion")
    grading_method = db.Column(db.String(10), nullable=False, default="highest")
    available_from = db.Column(UTCDateTime)
    available_until = db.Column(UTCDateTime)
    max_attempts = db.Column(db.Integer, nullable=False, default=0)  # 0: unlimited
    time_limit_minutes = db.Column(db.Integer, nullable=False, default=0)  # 0: none
    allow_student_review = db.Column(db.Boolean, nullable=False, default=True)
    # AGS line item (LTI 1.3), kept once known
    lineitem_url = db.Column(db.String(500))
    # The resource whose exam and settings this one took (after a course copy, or by an instructor's choice)
    copied_from_id = db.Column(db.ForeignKey("resource.id"))
    created_at = created_column()

    consumer = db.relationship("Consumer")
    context = db.relationship("Context", back_populates="resources")
    exam = db.relationship("Exam")
    exam_version = db.relationship("ExamVersion")
    copied_from = db.relationship("Resource", remote_side=[id])

    __table_args__ = (db.UniqueConstraint("consumer_id", "lti_resource_link_id"),)

    @property
    def display_name(self):
        return self.title or self.lti_resource_link_id

    def is_open(self, now=None):
        now = now or utcnow()
        if self.available_from and now < self.available_from:
            return False
        return not (self.available_until and now > self.available_until)


class Enrolment(db.Model):
    """A user's role in a context, as the latest launch or the LMS's roster says."""

    id = db.Column(db.Integer, primary_key=True)
    context_id = db.Column(db.ForeignKey("context.id"), nullable=False)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False, index=True)
    role = db.Column(db.String(20), nullable=False)  # learner, instructor
    source = db.Column(db.String(20), nullable=False, default="launch")  # launch, roster
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    context = db.relationship("Context")
    user = db.relationship("User")

    __table_args__ = (db.UniqueConstraint("context_id", "user_id"),)


class AccessChange(db.Model):
    """A per-student exception: a later deadline, extra attempts, more time."""

    id = db.Column(db.Integer, primary_key=True)
    resource_id = db.Column(db.ForeignKey("resource.id"), nullable=False)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    available_until = db.Column(UTCDateTime)
    extra_attempts = db.Column(db.Integer, nullable=False, default=0)
    extra_minutes = db.Column(db.Integer, nullable=False, default=0)
    reason = db.Column(db.Text, nullable=False, default="")
    created_by = db.Column(db.String(200), nullable=False, default="")
    created_at = created_column()

    user = db.relationship("User")

    __table_args__ = (db.Index("ix_access_change_resource_user", "resource_id", "user_id"),)
