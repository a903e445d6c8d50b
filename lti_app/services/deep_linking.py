"""Deep linking: the exams an instructor may pick, and what a picked exam's link carries."""
from sqlalchemy.orm import selectinload

from ..errors import UserFacingError
from ..extensions import db
from ..models import Exam
from .directory import text_matches


def catalogue(consumer_id: int, text: str = "", limit: int | None = None) -> list[Exam]:
    """The site-wide exams and this consumer's own that have a package, by title; those whose title
    contains `text` when it is given."""
    query = (Exam.query.options(selectinload(Exam.versions))
             .filter(db.or_(Exam.consumer_id.is_(None), Exam.consumer_id == consumer_id), Exam.versions.any()))
    if text.strip():
        query = query.filter(text_matches(text.strip(), Exam.title, Exam.slug))
    return query.order_by(Exam.title, Exam.id).limit(limit).all()


def pick(consumer_id: int, exam_id: int | None) -> Exam:
    exam = db.session.get(Exam, exam_id) if exam_id else None
    if exam is None or exam.consumer_id not in (None, consumer_id) or exam.latest_version is None:
        raise UserFacingError("That exam is not in this LMS's catalogue.", 404, "not_found", "exam")
    return exam


def link_custom(exam: Exam) -> dict:
    """Custom parameters of the link, read back by launches.attach_exam_from_custom."""
    return {"exam": exam.slug}
