"""Reports built in the background."""
from ..extensions import db
from .base import UTCDateTime, created_column

REPORT_KINDS = ("scores", "attempts", "full_data", "questions")


class Report(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    resource_id = db.Column(db.ForeignKey("resource.id"), nullable=False, index=True)
    kind = db.Column(db.String(20), nullable=False)
    state = db.Column(db.String(20), nullable=False, default="queued")  # queued, running, ready, failed
    progress = db.Column(db.Integer, nullable=False, default=0)
    error = db.Column(db.Text)
    file_id = db.Column(db.ForeignKey("stored_file.id"))
    filename = db.Column(db.String(300))
    requested_by = db.Column(db.String(300), nullable=False, default="")
    created_at = created_column()
    finished_at = db.Column(UTCDateTime)

    resource = db.relationship("Resource")
    file = db.relationship("StoredFile")
