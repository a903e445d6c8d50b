"""Who has not started yet, on LTI 1.1: the people who launched, and the LMS's class list where a launch
announced its memberships service (ext_ims_lis_memberships_url), read from a local memberships service."""
import pytest

from lti_app.extensions import db
from lti_app.models import Context, Enrolment, Resource, User
from tests import factories
from tests.lms.memberships_service import LocalMemberships

CLASS_LIST = [
    {"user_id": "student-1", "roles": "Learner", "name": "Ada Learner", "email": "ada@example.edu"},
    {"user_id": "student-2", "roles": "Learner", "given": "Bob", "family": "Absent", "email": "bob@example.edu"},
    {"user_id": "student-3", "roles": "urn:lti:role:ims/lis/Learner", "name": "Cleo Started"},
    {"user_id": "teacher-1", "roles": "Instructor,Learner", "name": "Tom Teacher"},
]


@pytest.fixture
def course(app, client):
    factories.exam_resource(factories.consumer(), factories.uploaded_exam())
    return client


def launch_with(client, service=None, **person):
    announced = {"ext_ims_lis_memberships_url": service.url, "ext_ims_lis_memberships_id": service.memberships_id} \
        if service else {}
    response = factories.launch(client, **announced, **person)
    assert response.status_code in (302, 303), response.data
    return response


def never_started_card(page):
    start = page.index('id="never-started"')
    return page[start:page.index("</section>", start)]


def test_a_launch_keeps_the_memberships_service_it_announces(course):
    with LocalMemberships(CLASS_LIST) as service:
        launch_with(course, service)
    context = Context.query.one()
    assert (context.lis_memberships_url, context.lis_memberships_id) == (service.url, "course-1:abc")


def test_without_a_class_list_the_students_who_launched_are_listed(course):
    launch_with(course)  # Ada launched and never started
    launch_with(course, **factories.INSTRUCTOR)
    card = never_started_card(course.get("/dashboard/resources/1/students").get_data(as_text=True))
    assert "Ada Learner" in card and "Tom Teacher" not in card
    assert "has not offered its class list" in card and "Fetch the class list" not in card


def test_the_class_list_is_read_from_the_lms_and_shows_who_never_started(course):
    with LocalMemberships(CLASS_LIST) as service:
        launch_with(course, service)
        cleo = factories.user(Context.query.one().consumer, "student-3", "Cleo Started")
        factories.attempt(Resource.query.one(), cleo, status="open")
        launch_with(course, service, **factories.INSTRUCTOR)
        page = course.get("/dashboard/resources/1/students").get_data(as_text=True)
        assert 'hx-post="/dashboard/resources/1/roster"' in page
        card = course.post("/dashboard/resources/1/roster", headers={"HX-Request": "true"}).get_data(as_text=True)
    [request] = service.requests
    assert request["lti_message_type"] == "basic-lis-readmembershipsforcontext" and "oauth_signature" in request
    assert "class list has 4 active members (2 new to Examgate)" in card
    listed = [name for name in ("Ada Learner", "Bob Absent", "Cleo Started", "Tom Teacher") if name in card]
    assert listed == ["Ada Learner", "Bob Absent"]
    db.session.expire_all()
    bob = User.query.filter_by(lti_user_id="student-2").one()
    assert (bob.name, bob.email) == ("Bob Absent", "bob@example.edu")
    assert Enrolment.query.filter_by(user_id=bob.id).one().source == "roster"


@pytest.mark.parametrize("service_options, words", [
    ({"refuse": "Invalid memberships id"}, "the LMS refused: Failure: Invalid memberships id"),
    ({"secret": "not-the-consumer-secret"}, "the LMS answered HTTP 401"),
])
def test_a_class_list_the_lms_does_not_send_is_said_in_the_card(course, service_options, words):
    with LocalMemberships(CLASS_LIST, **service_options) as service:
        launch_with(course, service, **factories.INSTRUCTOR)
        reply = course.post("/dashboard/resources/1/roster", headers={"HX-Request": "true"})
    assert reply.status_code == 200 and f"The LMS did not send the class list: {words}." in reply.get_data(as_text=True)
    assert Enrolment.query.filter_by(source="roster").count() == 0


def test_an_lms_that_writes_members_instead_of_memberships_is_read_too(course):
    with LocalMemberships(CLASS_LIST, wrapper="members") as service:
        launch_with(course, service, **factories.INSTRUCTOR)
        card = course.post("/dashboard/resources/1/roster", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Bob Absent" in card
