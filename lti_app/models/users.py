"""People: LMS users (per consumer), local administrators, and their launches."""
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .base import JsonDocument, created_column

admin_consumers = db.Table(
    "admin_consumer",
    db.Column("admin_id", db.ForeignKey("admin.id"), primary_key=True),
    db.Column("consumer_id", db.ForeignKey("consumer.id"), primary_key=True),
)


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    consumer_id = db.Column(db.ForeignKey("consumer.id"), nullable=False)
    lti_user_id = db.Column(db.String(255), nullable=False)
    name = db.Column(db.String(300), nullable=False, default="")
    email = db.Column(db.String(300), nullable=False, default="")
    username = db.Column(db.String(255), nullable=False, default="")
    created_at = created_column()

    consumer = db.relationship("Consumer")

    __table_args__ = (db.UniqueConstraint("consumer_id", "lti_user_id"),)

    @property
    def display_name(self):
        return self.name or self.username or self.email or self.lti_user_id


class Admin(db.Model):
    """A local account for the dashboard outside an LMS."""

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(300), nullable=False, unique=True)
    password_hash = db.Column(db.String(300), nullable=False)
    is_superuser = db.Column(db.Boolean, nullable=False, default=False)
    created_at = created_column()

    consumers = db.relationship("Consumer", secondary=admin_consumers)

    def set_password(self, password):
        self.password_hash = generate_password_hash(password)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)


class Launch(db.Model):
    """One verified launch, with what score reporting needs later."""

    id = db.Column(db.Integer, primary_key=True)
    consumer_id = db.Column(db.ForeignKey("consumer.id"), nullable=False)
    resource_id = db.Column(db.ForeignKey("resource.id"), nullable=False)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    lti_version = db.Column(db.String(10), nullable=False, default="1.1")
    roles = db.Column(db.Text, nullable=False, default="")
    role = db.Column(db.String(20), nullable=False)  # learner, instructor
    lis_result_sourcedid = db.Column(db.Text)
    # LTI 1.1: the POX outcome service; LTI 1.3: the AGS line items container of the context
    outcome_service_url = db.Column(db.String(500))
    outcome_extensions = db.Column(JsonDocument, nullable=False, default=list)
    attempt_id = db.Column(db.ForeignKey("attempt.id"))
    # LTI 1.3: the registration the launch came through and the AGS scopes the platform granted
    registration_id = db.Column(db.ForeignKey("lti13_registration.id"))
    ags_scopes = db.Column(JsonDocument, nullable=False, default=list)
    created_at = created_column()

    consumer = db.relationship("Consumer")
    resource = db.relationship("Resource")
    user = db.relationship("User")
    registration = db.relationship("Lti13Registration")
    attempt = db.relationship("Attempt")

    __table_args__ = (db.Index("ix_launch_resource_user", "resource_id", "user_id"),)
