"""Exams, their versions, and the stored files (packages, reports) they point to."""
from ..extensions import db
from .base import created_column


class StoredFile(db.Model):
    """A file kept in the database, addressed by its SHA-256, in chunks so no process holds it whole."""

    id = db.Column(db.Integer, primary_key=True)
    sha256 = db.Column(db.String(64), nullable=False, unique=True)
    size = db.Column(db.BigInteger, nullable=False)
    created_at = created_column()


class StoredChunk(db.Model):
    file_id = db.Column(db.ForeignKey("stored_file.id", ondelete="CASCADE"), primary_key=True)
    number = db.Column(db.Integer, primary_key=True)
    data = db.Column(db.LargeBinary, nullable=False)


class Exam(db.Model):
    """An exam in the catalogue; consumer_id empty means the site-wide catalogue."""

    id = db.Column(db.Integer, primary_key=True)
    consumer_id = db.Column(db.ForeignKey("consumer.id"))
    title = db.Column(db.String(300), nullable=False)
    slug = db.Column(db.String(120), nullable=False, unique=True)
    created_at = created_column()

    versions = db.relationship("ExamVersion", back_populates="exam", order_by="ExamVersion.number")

    @property
    def latest_version(self):
        return self.versions[-1] if self.versions else None


class ExamVersion(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    exam_id = db.Column(db.ForeignKey("exam.id"), nullable=False)
    number = db.Column(db.Integer, nullable=False)
    package_id = db.Column(db.ForeignKey("stored_file.id"), nullable=False)
    scorm_version = db.Column(db.String(10), nullable=False)  # "2004" or "1.2"
    launch_path = db.Column(db.String(500), nullable=False)
    notes = db.Column(db.Text, nullable=False, default="")
    uploaded_by = db.Column(db.String(300), nullable=False, default="")
    created_at = created_column()

    exam = db.relationship("Exam", back_populates="versions")
    package = db.relationship("StoredFile")

    __table_args__ = (db.UniqueConstraint("exam_id", "number"),)
