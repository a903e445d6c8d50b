"""Keys that sign admin API requests."""
from ..extensions import db
from .base import UTCDateTime, created_column


class ApiKey(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    key_id = db.Column(db.String(64), nullable=False, unique=True)
    secret = db.Column(db.String(128), nullable=False)
    admin_id = db.Column(db.ForeignKey("admin.id"), nullable=False)
    name = db.Column(db.String(200), nullable=False, default="")
    revoked_at = db.Column(UTCDateTime)
    created_at = created_column()

    admin = db.relationship("Admin")
