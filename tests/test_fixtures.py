"""The test fixtures themselves: a request or job that forgets to commit must fail its test, as it
would lose the write in production."""
import pytest

from lti_app.extensions import db, jobs
from lti_app.models import Resource
from lti_app.services import resources
from tests import factories


def update_settings_without_commit(resource, by="", **settings):
    resources._apply_settings(resource, settings)
    return resource


def test_a_route_whose_commit_is_removed_stores_nothing(app, client, monkeypatch):
    world = factories.classroom()
    factories.sign_in(client, world.instructor)
    url = f"/dashboard/resources/{world.resource.id}/settings"
    form = {"report_mode": "on_completion", "grading_method": "last", "available_from": "2026-01-01T09:00",
            "available_until": "2026-01-02T09:00", "attempts": "limited", "max_attempts": "3",
            "time_limit_minutes": "45"}
    monkeypatch.setattr(resources, "update_settings", update_settings_without_commit)
    assert client.post(url, data=form).status_code == 303
    assert world.resource.max_attempts == 1

    monkeypatch.undo()
    assert client.post(url, data=form).status_code == 303
    assert world.resource.max_attempts == 3


def raise_max_attempts(resource_id, commit):
    """A job (run by name) that changes a resource, and commits only when told to."""
    db.session.get(Resource, resource_id).max_attempts = 7
    if commit:
        db.session.commit()


def test_a_job_whose_commit_is_removed_stores_nothing(app, run_jobs):
    resource_id = factories.classroom().resource.id
    jobs.enqueue("tests.test_fixtures.raise_max_attempts", resource_id, False)
    run_jobs()
    assert db.session.get(Resource, resource_id).max_attempts == 1
    jobs.enqueue("tests.test_fixtures.raise_max_attempts", resource_id, True)
    run_jobs()
    assert db.session.get(Resource, resource_id).max_attempts == 7


def test_a_change_the_test_did_not_commit_is_reported_before_a_request(app, client):
    world = factories.classroom()
    world.resource.max_attempts = 5
    with pytest.raises(AssertionError, match="without committing"):
        client.get("/healthz")
    db.session.rollback()

