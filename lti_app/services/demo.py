"""The demo: a consumer, a course and a resource so a person can try launches without an LMS."""
from ..extensions import db
from ..lti.lti11 import sign_launch
from ..models import Consumer

DEMO_KEY = "examgate-demo"
DEMO_PEOPLE = {
    "learner": {"user_id": "demo-student", "lis_person_name_full": "Sam Student",
                "lis_person_contact_email_primary": "sam@example.edu", "roles": "Learner",
                "lis_result_sourcedid": "demo-sourcedid-sam"},
    "instructor": {"user_id": "demo-teacher", "lis_person_name_full": "Tess Teacher",
                   "lis_person_contact_email_primary": "tess@example.edu", "roles": "Instructor"},
}


def seed() -> Consumer:
    consumer = Consumer.query.filter_by(key=DEMO_KEY).one_or_none()
    if consumer is None:
        from .consumers import create_consumer

        consumer = create_consumer("Demo LMS", key=DEMO_KEY)
    db.session.commit()
    return consumer


def launch_form(role, launch_url) -> dict:
    """Signed LTI 1.1 launch parameters for a demo person; the browser posts them."""
    consumer = Consumer.query.filter_by(key=DEMO_KEY).one()
    params = {
        "lti_message_type": "basic-lti-launch-request", "lti_version": "LTI-1p0",
        "context_id": "demo-course", "context_title": "Demo course", "context_label": "DEMO101",
        "resource_link_id": "demo-exam", "resource_link_title": "Demo exam",
        **DEMO_PEOPLE[role],
    }
    return sign_launch(launch_url, consumer.key, consumer.secret, params)
