"""Small builders for rows and signed launches used across the tests."""
import secrets
import time
from urllib.parse import parse_qsl

from lti import ToolConsumer

from lti_app.api import signing
from lti_app.services import api_keys
from lti_app.services.consumers import create_consumer

LAUNCH_URL = "http://examgate.test/lti/launch"

LEARNER = {"user_id": "student-1", "roles": "Learner", "lis_person_name_full": "Ada Learner",
           "lis_person_contact_email_primary": "ada@example.edu", "lis_result_sourcedid": "sourcedid-ada",
           "lis_outcome_service_url": "http://lms.test/outcomes"}
INSTRUCTOR = {"user_id": "teacher-1", "roles": "urn:lti:role:ims/lis/Instructor",
              "lis_person_name_full": "Tom Teacher"}


def consumer(name="Test LMS", key="test-key", secret="test-secret"):
    return create_consumer(name, key=key, secret=secret)


def launch_params(person=LEARNER, **overrides):
    params = {"lti_message_type": "basic-lti-launch-request", "lti_version": "LTI-1p0",
              "resource_link_id": "link-1", "resource_link_title": "Week 1 quiz",
              "context_id": "course-1", "context_title": "Algebra", **person}
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


def signed_launch(key="test-key", secret="test-secret", url=LAUNCH_URL, oauth=None, **params):
    """A launch body signed by the `lti` package's ToolConsumer (a signer we did not write)."""
    tool_consumer = ToolConsumer(key, secret, params=launch_params(**params), launch_url=url)
    request = tool_consumer.generate_launch_request(**(oauth or {}))
    return dict(parse_qsl(request.body.decode()))


def launch(client, key="test-key", secret="test-secret", **params):
    return client.post("/lti/launch", data=signed_launch(key, secret, **params))


def exam(title="Algebra test", slug="algebra-test", consumer=None):
    """An exam with one version (its package row only: enough for catalogues and links)."""
    import hashlib

    from lti_app.extensions import db
    from lti_app.models import Exam, ExamVersion, StoredFile

    package = StoredFile(sha256=hashlib.sha256(slug.encode()).hexdigest(), size=1)
    row = Exam(title=title, slug=slug, consumer_id=consumer.id if consumer else None)
    db.session.add_all([package, row, ExamVersion(exam=row, number=1, package=package, scorm_version="2004",
                                                  launch_path="index.html")])
    db.session.commit()
    return row


# Rows built directly, for pages that need a world without going through launches and commits.

def _save(row):
    from lti_app.extensions import db

    db.session.add(row)
    db.session.commit()
    return row


def context(consumer, lti_context_id="course-1", title="Algebra", term="2026 autumn"):
    from lti_app.models import Context

    return _save(Context(consumer_id=consumer.id, lti_context_id=lti_context_id, title=title, term=term))


def resource(context, title="Week 1 quiz", link_id=None, version=None, **settings):
    from lti_app.models import Resource

    version = version or exam(title, slug=f"exam-{context.id}-{link_id or title}".replace(" ", "-")).latest_version
    return _save(Resource(consumer_id=context.consumer_id, context=context, title=title,
                          lti_resource_link_id=link_id or f"link-{title}".replace(" ", "-"),
                          exam_id=version.exam_id, exam_version_id=version.id, **settings))


def user(consumer, lti_user_id="student-1", name="Ada Learner", email=None, username=None):
    from lti_app.models import User

    return _save(User(consumer_id=consumer.id, lti_user_id=lti_user_id, name=name,
                      email=email if email is not None else f"{lti_user_id}@example.edu",
                      username=username if username is not None else lti_user_id))


def enrol(user, context, role="learner", source="launch"):
    from lti_app.models import Enrolment

    return _save(Enrolment(context_id=context.id, user_id=user.id, role=role, source=source))


def member(consumer, context, lti_user_id, name, role="learner", source="launch", **fields):
    """A user enrolled in a context (as their launches or the roster say)."""
    person = user(consumer, lti_user_id, name, **fields)
    enrol(person, context, role, source)
    return person


def launch_row(resource, user, role="learner", attempt=None):
    from lti_app.models import Launch

    return _save(Launch(consumer_id=resource.consumer_id, resource_id=resource.id, user_id=user.id,
                        role=role, attempt_id=attempt.id if attempt else None,
                        lis_result_sourcedid=f"sourcedid-{user.lti_user_id}" if role == "learner" else None,
                        outcome_service_url="http://lms.test/outcomes" if role == "learner" else None))


def attempt(resource, user, questions=None, cmi=None, status="finished", number=None, started_at=None,
            minutes=30, **columns):
    """An attempt with question and part scores {item_id: (raw, max)} and CMI elements [(key, value)],
    each element in its own commit batch, in order; `minutes` spent (finished that long after it
    started); other Attempt columns (deleted_at, score, ...) as given."""
    from datetime import timedelta

    from lti_app.models import Attempt, CmiElement, CommitBatch, QuestionScore
    from lti_app.models.base import utcnow

    started_at = started_at or utcnow() - timedelta(hours=1)
    number = number or Attempt.query.filter_by(resource_id=resource.id, user_id=user.id).count() + 1
    row = _save(Attempt(resource_id=resource.id, user_id=user.id, exam_version_id=resource.exam_version_id,
                        number=number, status=status, started_at=started_at,
                        finished_at=started_at + timedelta(minutes=minutes) if status == "finished" else None,
                        time_spent_seconds=60 * minutes,
                        completion_status="completed" if status == "finished" else "incomplete"))
    questions = questions or {}
    for position, (item_id, (raw, max_)) in enumerate(questions.items()):
        kind = "question" if "p" not in item_id[1:] else "part"
        _save(QuestionScore(attempt_id=row.id, item_id=item_id, kind=kind, position=position, raw=raw, max=max_))
    state = {}
    for sequence, (key, value) in enumerate(cmi or [], start=1):
        batch = f"batch-{row.id}-{sequence}"
        at = started_at + timedelta(minutes=sequence)
        _save(CommitBatch(attempt_id=row.id, batch_id=batch, sequence=sequence, element_count=1, received_at=at))
        _save(CmiElement(attempt_id=row.id, batch_id=batch, sequence=sequence, key=key, value=str(value),
                         client_time=at, server_time=at))
        state[key] = str(value)
    question_rows = {k: v for k, v in questions.items() if "p" not in k[1:]}
    row.raw_score = sum(raw or 0 for raw, _ in question_rows.values()) if question_rows else None
    row.max_score = sum(max_ or 0 for _, max_ in question_rows.values()) if question_rows else None
    row.score = row.raw_score / row.max_score if row.max_score else None
    row.state = state
    row.last_commit_at = started_at + timedelta(minutes=len(cmi or []))
    for name, value in columns.items():
        setattr(row, name, value)
    return _save(row)


def remark(attempt, item_id, score, reason="re-marked", created_by="Tom Teacher"):
    from lti_app.models import Remark

    return _save(Remark(attempt_id=attempt.id, item_id=item_id, score=score, reason=reason, created_by=created_by))


def discount(resource, item_id, mode, created_by="Tom Teacher"):
    from lti_app.models import Discount

    return _save(Discount(resource_id=resource.id, item_id=item_id, mode=mode, created_by=created_by))


def admin(email="admin@example.edu", password="admin-password", consumers=(), superuser=False):
    from lti_app.services.consumers import create_admin

    row = create_admin(email, password, superuser=superuser)
    row.consumers.extend(consumers)
    return _save(row)


def sign_in(client, person):
    """Sign a test client in as an LMS user or an administrator (as their launch or login would)."""
    from lti_app.models import Admin

    with client.session_transaction() as session:
        session.clear()
        session["admin_id" if isinstance(person, Admin) else "user_id"] = person.id


def classroom():
    """One consumer with a course, its instructor and two students, one resource with an attempt;
    a second course on the same consumer and a second consumer, each with its own instructor."""
    from types import SimpleNamespace

    world = SimpleNamespace()
    world.consumer = consumer()
    world.context = context(world.consumer)
    world.resource = resource(world.context, "Week 1 quiz", max_attempts=1)
    world.instructor = member(world.consumer, world.context, "teacher-1", "Tom Teacher", role="instructor")
    world.student = member(world.consumer, world.context, "student-1", "Ada Learner", username="ada")
    world.classmate = member(world.consumer, world.context, "student-2", "Bob Classmate")
    world.attempt = attempt(world.resource, world.student,
                            questions={"q0": (1, 2), "q0p0": (1, 1), "q0p1": (0, 1), "q1": (3, 3)},
                            cmi=[("cmi.objectives.0.id", "q0"), ("cmi.objectives.0.score.raw", "1"),
                                 ("cmi.interactions.0.id", "q0p0"), ("cmi.interactions.0.result", "1"),
                                 ("cmi.score.raw", "4"), ("cmi.completion_status", "completed")])
    launch_row(world.resource, world.student, attempt=world.attempt)
    launch_row(world.resource, world.instructor, role="instructor")
    world.other_context = context(world.consumer, "course-2", "Geometry")
    world.other_resource = resource(world.other_context, "Geometry quiz")
    world.other_instructor = member(world.consumer, world.other_context, "teacher-2", "Olga Other", role="instructor")
    world.other_consumer = consumer("Other LMS", key="other-key", secret="other-secret")
    world.foreign_context = context(world.other_consumer, "course-1", "Calculus elsewhere")
    world.foreign_instructor = member(world.other_consumer, world.foreign_context, "teacher-1", "Tom Elsewhere",
                                      role="instructor")
    world.admin = admin(consumers=[world.consumer])
    return world


# Exams uploaded through the service, and the resources and people that sit them.

def uploaded_exam(title="Demo quiz", data=None, **options):
    """An exam version from a real package (the demo SCORM 2004 quiz unless `data` is given)."""
    from lti_app.services import exams
    from tests.packages.build import quiz2004_zip

    return exams.upload(data or quiz2004_zip(), title=title, **options)


def exam_resource(consumer, version, link_id="link-1", context_id="course-1", **settings):
    """A resource in a context, running `version`, with settings (available_until, max_attempts, ...)."""
    from lti_app.extensions import db
    from lti_app.models import Context, Resource

    context = Context.query.filter_by(consumer_id=consumer.id, lti_context_id=context_id).one_or_none()
    context = context or Context(consumer_id=consumer.id, lti_context_id=context_id, title="Algebra")
    resource = Resource(consumer_id=consumer.id, context=context, lti_resource_link_id=link_id,
                        title="Week 1 quiz", exam_id=version.exam_id, exam_version_id=version.id, **settings)
    db.session.add(resource)
    db.session.commit()
    return resource


def learner(consumer, lti_user_id="student-1", name="Ada Learner"):
    return user(consumer, lti_user_id, name)


def launch_attempt(launch, score=None, status="open", number=None, version=None, **values):
    """An attempt by the launch's user on its resource (of a fresh exam unless `version` is given); committed."""
    import uuid

    from lti_app.extensions import db
    from lti_app.models import Attempt

    if number is None:
        number = Attempt.query.filter_by(resource_id=launch.resource_id, user_id=launch.user_id).count() + 1
    version = version or exam(slug=f"exam-{uuid.uuid4().hex[:12]}").latest_version
    row = Attempt(resource_id=launch.resource_id, user_id=launch.user_id, number=number, status=status,
                  score=score, exam_version=version, **values)
    db.session.add(row)
    db.session.commit()
    return row


# The admin API.

def api_key(email="admin@example.edu", superuser=True, consumers=()):
    """An administrator and an API key for them."""
    admin(email, consumers=consumers, superuser=superuser)
    return api_keys.create_key(email, "tests")


def signed_api_params(signer, sign_with=None, timestamp=None, nonce=None, **params):
    """Admin API parameters signed with the `signer` ApiKey's secret (or `sign_with`), now (or at `timestamp` ms)."""
    params = {name: str(value) for name, value in params.items()}
    params.update(api_key=signer.key_id, timestamp=str(timestamp or int(time.time() * 1000)),
                  nonce=nonce or secrets.token_hex(16))
    params["signature"] = signing.sign(sign_with or signer.secret, params)
    return params
