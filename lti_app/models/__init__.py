"""The data model. Every LMS-side row belongs to exactly one consumer."""
from .attempts import Attempt, AttemptValue, CmiElement, CommitBatch, Discount, QuestionScore, Remark, RemarkJob
from .consumers import Consumer, Lti13Registration, ToolKey
from .courses import AccessChange, Context, Enrolment, Resource
from .exams import Exam, ExamVersion, StoredChunk, StoredFile
from .outcomes import Outcome, OutcomeDelivery
from .api_keys import ApiKey
from .reports import Report
from .users import Admin, Launch, User

__all__ = [
    "AccessChange", "Admin", "ApiKey", "Attempt", "AttemptValue", "CmiElement", "CommitBatch", "Consumer",
    "Context", "Discount", "Enrolment", "Exam", "ExamVersion", "Launch", "Lti13Registration",
    "Outcome", "OutcomeDelivery", "QuestionScore", "Remark", "RemarkJob", "Report", "Resource", "StoredChunk",
    "StoredFile", "ToolKey", "User",
]
