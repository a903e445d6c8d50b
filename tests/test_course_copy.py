"""A copied course keeps its exams: a Canvas-like LTI 1.1 launch (signed by the `lti` package's
ToolConsumer) carrying the link's and the course's id history sets the new link up as a copy of the
resource the history names, within the same consumer, without its attempts or scores."""
from datetime import datetime, timezone
from urllib.parse import quote

import pytest

from lti_app.extensions import db
from lti_app.models import Attempt, Outcome, Resource
from lti_app.services import course_copy
from tests import factories
from tests.factories import INSTRUCTOR, launch

LAST_YEAR = dict(max_attempts=2, time_limit_minutes=45, report_mode="on_completion", grading_method="last",
                 available_from=datetime(2025, 3, 1, 9, tzinfo=timezone.utc),
                 available_until=datetime(2025, 3, 8, 17, tzinfo=timezone.utc), allow_student_review=False)


@pytest.fixture
def consumer(app):
    return factories.consumer()


@pytest.fixture
def last_year(consumer):
    """Last year's course with its set-up resource, an attempt and a score on it."""
    context = factories.context(consumer, "course-2025", "Algebra 2025")
    resource = factories.resource(context, "Week 1 quiz", link_id="link-2025", **LAST_YEAR)
    student = factories.member(consumer, context, "student-0", "Old Student")
    factories.attempt(resource, student, questions={"q0": (1, 2)})
    db.session.add(Outcome(consumer_id=consumer.id, resource_id=resource.id, user_id=student.id, score=0.5,
                           state="sent"))
    db.session.commit()
    return resource


def new_link(**params):
    """The resource the launch made for this year's link, read afresh."""
    db.session.expire_all()
    return Resource.query.filter_by(lti_resource_link_id=params.get("resource_link_id", "link-2026")).one()


def copy_launch(client, history=None, context_history=None, person=factories.LEARNER, **params):
    params = {"resource_link_id": "link-2026", "context_id": "course-2026", "context_title": "Algebra 2026",
              "custom_resource_link_history": history, "custom_context_history": context_history, **params}
    return launch(client, person=person, **params)


def test_one_history_id_copies_the_exam_and_settings_not_attempts_or_scores(client, last_year):
    assert copy_launch(client, "link-2025").status_code == 302
    copy = new_link()
    assert (copy.exam_id, copy.exam_version_id) == (last_year.exam_id, last_year.exam_version_id)
    assert course_copy.copied_settings(copy) == course_copy.copied_settings(last_year)
    assert (copy.max_attempts, copy.time_limit_minutes, copy.report_mode, copy.grading_method,
            copy.available_until, copy.allow_student_review) == (
        2, 45, "on_completion", "last", LAST_YEAR["available_until"], False)
    assert copy.copied_from_id == last_year.id and copy.context.lti_context_id == "course-2026"
    assert Attempt.query.filter_by(resource_id=copy.id).count() == 0
    assert Outcome.query.filter_by(resource_id=copy.id).count() == 0


def test_copied_settings_are_every_resource_setting():
    from lti_app.services import resources

    names = set(course_copy.copied_settings(Resource()))
    assert names == set(resources.SETTINGS) >= {"max_attempts", "time_limit_minutes", "report_mode",
                                                "grading_method", "available_from", "available_until"}


def test_several_ids_the_most_recent_known_one_wins(client, consumer, last_year):
    older = factories.resource(factories.context(consumer, "course-2024", "Algebra 2024"), "Week 1 quiz (old)",
                               link_id="link-2024", max_attempts=5)
    copy_launch(client, "link-unknown,link-2025,link-2024")
    assert new_link().copied_from_id == last_year.id
    copy_launch(client, " link-gone , link-2024", resource_link_id="link-2026b")
    assert new_link(resource_link_id="link-2026b").copied_from_id == older.id


def test_history_ids_are_url_encoded_and_an_unsubstituted_variable_is_no_history():
    assert course_copy.history_ids(f"{quote('a,b', safe='')},c%20d") == ["a,b", "c d"]
    assert course_copy.history_ids("$ResourceLink.id.history") == []
    assert course_copy.history_ids("") == course_copy.history_ids(None) == []


@pytest.mark.parametrize("history", ["link-unknown", "$ResourceLink.id.history", " , "])
def test_an_unknown_id_falls_back_to_custom_exam(client, last_year, history):
    exam = factories.exam("Week 1 (deep linked)", slug="week-1-linked")
    copy_launch(client, history, custom_exam="week-1-linked")
    copy = new_link()
    assert copy.exam_id == exam.id and copy.copied_from_id is None and copy.max_attempts == 0


def test_an_unknown_id_without_custom_exam_leaves_the_link_unconfigured(client, last_year):
    copy_launch(client, "link-unknown")
    assert new_link().exam_id is None


def test_an_id_of_another_consumer_is_never_copied(client, consumer):
    other = factories.consumer("Other LMS", key="other-key", secret="other-secret")
    factories.resource(factories.context(other, "course-2025"), "Week 1 quiz", link_id="link-2025", **LAST_YEAR)
    assert copy_launch(client, "link-2025", context_history="course-2025").status_code == 302
    copy = new_link()
    assert copy.consumer_id == consumer.id and copy.exam_id is None and copy.copied_from_id is None


def test_a_link_already_set_up_keeps_its_exam(client, consumer, last_year):
    mine = factories.resource(factories.context(consumer, "course-2026"), "Week 1 quiz", link_id="link-2026")
    copy_launch(client, "link-2025")
    assert new_link().exam_id == mine.exam_id != last_year.exam_id


def test_course_history_copies_the_only_resource_with_the_same_title(client, consumer, last_year):
    copy_launch(client, context_history="course-2025,course-2024", resource_link_title="Week 1 quiz")
    assert new_link().copied_from_id == last_year.id
    copy_launch(client, context_history="course-2025", resource_link_title="Week 2 quiz",
                resource_link_id="link-week-2")
    assert new_link(resource_link_id="link-week-2").exam_id is None


def test_course_history_with_two_resources_of_that_title_copies_none(client, consumer, last_year):
    factories.resource(last_year.context, "Week 1 quiz", link_id="link-2025-again")
    copy_launch(client, context_history="course-2025", resource_link_title="Week 1 quiz")
    assert new_link().exam_id is None


def test_the_dashboard_says_where_it_was_copied_from(client, consumer, last_year):
    factories.enrol(factories.user(consumer, "teacher-1", "Tom Teacher"), last_year.context, role="instructor")
    response = copy_launch(client, "link-2025", person=INSTRUCTOR)
    assert "/dashboard/resources/" in response.location and "/exam" not in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert "Set up as a copy of" in page and "Week 1 quiz</a>" in page and "(Algebra 2025)" in page


# An unconfigured link: the instructor's set-up page, the student's wait.

@pytest.fixture
def taught(consumer, last_year):
    """Tom teaches last year's course and a newer one; another course of his consumer he does not teach,
    and a course of another consumer with the same ids."""
    tom = factories.user(consumer, "teacher-1", "Tom Teacher")
    factories.enrol(tom, last_year.context, role="instructor")
    newer = factories.context(consumer, "course-2025b", "Algebra 2025 resit")
    factories.enrol(tom, newer, role="instructor")
    resit = factories.resource(newer, "Resit quiz", link_id="link-resit", max_attempts=1)
    factories.resource(factories.context(consumer, "course-geo", "Geometry"), "Not his quiz", link_id="link-geo")
    other = factories.consumer("Other LMS", key="other-key", secret="other-secret")
    factories.resource(factories.context(other, "course-2025", "Elsewhere"), "Foreign quiz", link_id="link-2025")
    return resit


def test_an_instructor_on_an_unconfigured_link_lands_on_the_set_up_page(client, last_year, taught):
    response = copy_launch(client, person=INSTRUCTOR)
    assert "/exam?lt=" in response.location
    page = client.get(response.location).get_data(as_text=True)
    sources = page[page.index('id="copy-sources"'):page.index('id="catalogue"')]
    assert sources.index("Resit quiz") < sources.index("Week 1 quiz")  # newest first
    assert "Not his quiz" not in sources and "Foreign quiz" not in sources
    assert 'id="catalogue"' in page and 'name="package"' in page


def test_the_instructor_copies_a_set_up_in_one_post(client, last_year, taught):
    location = copy_launch(client, person=INSTRUCTOR).location
    lt = location.split("lt=")[1]
    copy = new_link()
    reply = client.post(f"/dashboard/resources/{copy.id}/exam/copy", data={"lt": lt, "source_id": taught.id})
    assert reply.status_code == 303 and f"/dashboard/resources/{copy.id}?lt=" in reply.location
    copy = new_link()
    assert (copy.copied_from_id, copy.exam_version_id, copy.max_attempts) == (taught.id, taught.exam_version_id, 1)
    page = client.get(reply.location).get_data(as_text=True)
    assert "Copied: Resit quiz with the same settings" in page
    copied_from = page[page.index('id="copied-from"'):]
    assert f'href="/dashboard/resources/{taught.id}">Resit quiz</a>' in copied_from[:400]


def test_the_set_up_search_finds_by_course_resource_or_exam(client, last_year, taught):
    lt = copy_launch(client, person=INSTRUCTOR).location.split("lt=")[1]
    url = f"/dashboard/resources/{new_link().id}/exam/choices"
    found = client.get(url, query_string={"lt": lt, "q": "resit"}).get_data(as_text=True)
    assert "Resit quiz" in found and "Week 1 quiz" not in found
    nothing = client.get(url, query_string={"lt": lt, "q": "geometry"}).get_data(as_text=True)
    assert "No resource you teach matches" in nothing


@pytest.mark.parametrize("source", ["not taught", "other consumer"])
def test_copying_a_resource_the_instructor_does_not_teach_is_refused(client, consumer, last_year, taught, source):
    lt = copy_launch(client, person=INSTRUCTOR).location.split("lt=")[1]
    link_id = {"not taught": "link-geo", "other consumer": "link-2025"}[source]
    foreign = Resource.query.filter(Resource.lti_resource_link_id == link_id, Resource.id != last_year.id).one()
    target = new_link()
    reply = client.post(f"/dashboard/resources/{target.id}/exam/copy", data={"lt": lt, "source_id": foreign.id})
    assert reply.status_code == 404
    assert new_link().exam_id is None


def test_an_administrator_of_two_consumers_cannot_copy_across_them(client, consumer, last_year, taught):
    copy_launch(client)
    other_resource = Resource.query.filter_by(title="Foreign quiz").one()
    admin = factories.admin(consumers=[consumer, other_resource.consumer])
    factories.sign_in(client, admin)
    reply = client.post(f"/dashboard/resources/{new_link().id}/exam/copy", data={"source_id": other_resource.id})
    assert reply.status_code == 404 and "another LMS" in reply.get_data(as_text=True)
    assert new_link().exam_id is None


def test_a_student_on_an_unconfigured_link_is_told_to_wait(client, last_year):
    response = copy_launch(client)
    assert response.status_code == 302 and response.location.startswith("/resources/")
    page = client.get(response.location)
    assert page.status_code == 200
    assert "Your instructor hasn't set this exam up yet" in page.get_data(as_text=True)
    assert "Start" not in page.get_data(as_text=True)
