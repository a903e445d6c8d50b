"""Access changes: named students get a later deadline, more attempts or more time, at once."""
from datetime import datetime, timedelta, timezone

import pytest

from lti_app.errors import UserFacingError
from lti_app.services import access_changes
from tests import factories

NOON = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def world(app):
    world = factories.classroom()
    world.resource.available_until, world.resource.time_limit_minutes = NOON, 60
    return world


def test_students_are_found_by_lms_id_username_or_email(world):
    found = access_changes.find_students(world.resource, ["student-1", "ADA", "student-2@example.edu", ""])
    assert sorted(user.display_name for user in found) == ["Ada Learner", "Bob Classmate"]


def test_unknown_and_foreign_students_are_refused_by_name(world):
    factories.member(world.other_consumer, world.foreign_context, "student-x", "Xena Elsewhere")
    with pytest.raises(UserFacingError, match="student-x, nobody"):
        access_changes.find_students(world.resource, ["student-1", "student-x", "nobody"])


def test_changes_apply_at_once_to_an_open_attempt(world):
    open_attempt = factories.attempt(world.resource, world.classmate, status="open",
                                     started_at=NOON - timedelta(minutes=30))
    assert access_changes.attempt_deadline(open_attempt) == NOON
    access_changes.grant(world.resource, [world.classmate], available_until=NOON + timedelta(days=1),
                         extra_attempts=1, extra_minutes=30, by="Tom")
    assert access_changes.attempt_deadline(open_attempt) == NOON + timedelta(minutes=60)
    limits = access_changes.allowance(world.resource, world.classmate.id)
    assert (limits.max_attempts, limits.time_limit_minutes) == (2, 90)
    assert access_changes.allowance(world.resource, world.student.id).max_attempts == 1


def test_an_instructor_with_the_longest_name_kept_can_grant(world):
    long_name = "x" * 300  # names are kept up to 300 characters
    access_changes.grant(world.resource, [world.classmate], extra_attempts=1, by=long_name)
    assert access_changes.allowance(world.resource, world.classmate.id).max_attempts == 2


def test_an_empty_change_is_refused(world):
    with pytest.raises(UserFacingError, match="later date, extra attempts or extra minutes"):
        access_changes.grant(world.resource, [world.student])


def test_the_tab_grants_an_extra_attempt(client, world):
    factories.sign_in(client, world.instructor)
    url = f"/dashboard/resources/{world.resource.id}/access"
    page = client.post(url, data={"students": "ada\n", "extra_attempts": "1", "reason": "was ill"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Access changed for Ada Learner" in page and "+1 attempt" in page and "2 attempts" in page
    refused = client.post(url, data={"students": "nobody", "extra_attempts": "1"})
    assert refused.status_code == 200 and "No student of this resource is called nobody" in refused.get_data(as_text=True)
