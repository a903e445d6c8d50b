"""The demo: a consumer, a course and a resource running the demo quiz, so a person can try the whole
flow without an LMS."""
from pathlib import Path

from ..extensions import db
from ..lti.lti11 import sign_launch
from ..models import Consumer, Context, Resource
from ..scorm.package import zip_folder
from . import exams

DEMO_KEY = "examgate-demo"
DEMO_QUIZ = Path(__file__).resolve().parent.parent / "demo" / "quiz2004"
DEMO_EXAM_SLUG = "demo-quiz"
DEMO_CONTEXT = {"context_id": "demo-course", "context_title": "Demo course", "context_label": "DEMO101"}
DEMO_RESOURCE = {"resource_link_id": "demo-exam", "resource_link_title": "Demo exam"}
DEMO_PEOPLE = {
    "learner": {"user_id": "demo-student", "lis_person_name_full": "Sam Student",
                "lis_person_contact_email_primary": "sam@example.edu", "roles": "Learner",
                "lis_result_sourcedid": "demo-sourcedid-sam"},
    "instructor": {"user_id": "demo-teacher", "lis_person_name_full": "Tess Teacher",
                   "lis_person_contact_email_primary": "tess@example.edu", "roles": "Instructor"},
}


def seed() -> Consumer:
    """Create what the demo needs, once: the consumer, and the demo resource already running the quiz."""
    consumer = Consumer.query.filter_by(key=DEMO_KEY).one_or_none()
    if consumer is None:
        from .consumers import create_consumer

        consumer = create_consumer("Demo LMS", key=DEMO_KEY)
    resource = _demo_resource(consumer)
    if resource.exam_version is None:
        exam = exams.find_by_slug(DEMO_EXAM_SLUG)
        version = exam.latest_version if exam else exams.upload(
            zip_folder(DEMO_QUIZ), title="Examgate demo quiz", slug=DEMO_EXAM_SLUG, uploaded_by="flask demo")
        exams.replace_version(resource, version)
    db.session.commit()
    return consumer


def _demo_resource(consumer):
    """The rows the demo launch names, made ahead of it so the exam is attached before anyone arrives."""
    context = Context.query.filter_by(consumer_id=consumer.id, lti_context_id=DEMO_CONTEXT["context_id"]).one_or_none()
    if context is None:
        context = Context(consumer_id=consumer.id, lti_context_id=DEMO_CONTEXT["context_id"],
                          title=DEMO_CONTEXT["context_title"], label=DEMO_CONTEXT["context_label"])
        db.session.add(context)
    resource = Resource.query.filter_by(consumer_id=consumer.id,
                                        lti_resource_link_id=DEMO_RESOURCE["resource_link_id"]).one_or_none()
    if resource is None:
        resource = Resource(consumer_id=consumer.id, context=context, title=DEMO_RESOURCE["resource_link_title"],
                            lti_resource_link_id=DEMO_RESOURCE["resource_link_id"],
                            report_mode=consumer.default_report_mode)
        db.session.add(resource)
    return resource


def launch_form(role, launch_url) -> dict:
    """Signed LTI 1.1 launch parameters for a demo person; the browser posts them."""
    consumer = Consumer.query.filter_by(key=DEMO_KEY).one()
    params = {"lti_message_type": "basic-lti-launch-request", "lti_version": "LTI-1p0",
              **DEMO_CONTEXT, **DEMO_RESOURCE, **DEMO_PEOPLE[role]}
    return sign_launch(launch_url, consumer.key, consumer.secret, params)
