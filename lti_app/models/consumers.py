"""LMS registrations: the consumers every other row belongs to."""
from ..extensions import db
from .base import JsonDocument, UTCDateTime, created_column


class Consumer(db.Model):
    """One LMS (or one school on a shared LMS): LTI 1.1 key and secret, LTI 1.3 registrations."""

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(200), nullable=False)
    key = db.Column(db.String(100), nullable=False, unique=True)
    secret = db.Column(db.String(200), nullable=False)
    enabled = db.Column(db.Boolean, nullable=False, default=True)
    credentials_refused_at = db.Column(UTCDateTime)
    credentials_refused_reason = db.Column(db.Text)
    # The LMS's origins (scheme://host), learnt from verified launches: they may frame Examgate's pages.
    frame_origins = db.Column(JsonDocument)
    # When the resources first launched from this LMS send scores (Resource.report_mode).
    default_report_mode = db.Column(db.String(20), nullable=False, default="on_completion",
                                    server_default="on_completion")
    created_at = created_column()

    registrations = db.relationship("Lti13Registration", back_populates="consumer")

    def __repr__(self):
        return f"<Consumer {self.id} {self.name!r}>"


class Lti13Registration(db.Model):
    """An LTI 1.3 platform registration (issuer + client id) owned by a consumer."""

    id = db.Column(db.Integer, primary_key=True)
    consumer_id = db.Column(db.ForeignKey("consumer.id"), nullable=False, index=True)
    issuer = db.Column(db.String(300), nullable=False)
    client_id = db.Column(db.String(300), nullable=False)
    deployment_ids = db.Column(JsonDocument, nullable=False, default=list)
    auth_login_url = db.Column(db.String(500), nullable=False)
    auth_token_url = db.Column(db.String(500), nullable=False)
    key_set_url = db.Column(db.String(500), nullable=False)
    created_at = created_column()

    consumer = db.relationship("Consumer", back_populates="registrations")

    __table_args__ = (db.UniqueConstraint("issuer", "client_id"),)


class ToolKey(db.Model):
    """The tool's own RSA key pairs (LTI 1.3); the newest active one signs."""

    id = db.Column(db.Integer, primary_key=True)
    kid = db.Column(db.String(64), nullable=False, unique=True)
    private_pem = db.Column(db.Text, nullable=False)
    public_jwk = db.Column(JsonDocument, nullable=False)
    active = db.Column(db.Boolean, nullable=False, default=True)
    created_at = created_column()
