"""Small builders for rows and signed launches used across the tests."""
from urllib.parse import parse_qsl

from lti import ToolConsumer

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
    from lti_app.extensions import db
    from lti_app.models import User

    person = User(consumer_id=consumer.id, lti_user_id=lti_user_id, name=name)
    db.session.add(person)
    db.session.commit()
    return person
