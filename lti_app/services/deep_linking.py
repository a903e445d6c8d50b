"""Deep linking: the exams an instructor may pick, and what a picked exam's link carries."""
from ..errors import UserFacingError
from ..extensions import db
from ..models import Exam


def catalogue(consumer_id: int) -> list[Exam]:
    """The site-wide exams and this consumer's own, by title."""
    return (Exam.query.filter(db.or_(Exam.consumer_id.is_(None), Exam.consumer_id == consumer_id))
            .order_by(Exam.title).all())


def pick(consumer_id: int, exam_id: int) -> Exam:
    exam = db.session.get(Exam, exam_id)
    if exam is None or exam.consumer_id not in (None, consumer_id):
        raise UserFacingError("That exam is not in this LMS's catalogue.", 404, "not_found", "exam")
    return exam


def link_custom(exam: Exam) -> dict:
    """Custom parameters of the link, read back by launches.attach_exam_from_custom."""
    return {"exam": exam.slug}
