"""Re-marking: overrides, discounts, re-marking a whole resource in the background, what students see."""
import pytest

from lti_app.errors import UserFacingError
from lti_app.extensions import db
from lti_app.models import Attempt, Discount, Outcome, RemarkJob
from lti_app.services import marking, remarking
from tests import factories


@pytest.fixture
def world(app):
    return factories.classroom()


def test_package_score_stands_until_someone_changes_it(world):
    # q0 1/2 and q1 3/3: 4 of 5
    assert marking.attempt_score(world.attempt) == pytest.approx(0.8)


def test_overriding_a_part_moves_its_question_and_the_outcome(world):
    remarking.override(world.attempt, "q0p1", 1, "accepted an equivalent answer", "Tom Teacher")
    assert world.attempt.score == pytest.approx(1.0)
    outcome = Outcome.query.filter_by(resource_id=world.resource.id, user_id=world.student.id).one()
    assert outcome.score == pytest.approx(1.0) and outcome.state == "pending"
    assert marking.attempt_notes(world.attempt) == ["re-marked"]


def test_overriding_a_question_replaces_its_score(world):
    remarking.override(world.attempt, "q1", 0, "wrong question", "Tom")
    assert world.attempt.score == pytest.approx(1 / 5)


def test_an_override_outside_the_marks_is_refused(world):
    with pytest.raises(UserFacingError, match="between 0 and 1"):
        remarking.override(world.attempt, "q0p1", 2, "", "Tom")
    with pytest.raises(UserFacingError, match="no question or part"):
        remarking.override(world.attempt, "q9", 1, "", "Tom")


def test_discounts_remove_a_part_or_give_full_marks(world, run_jobs):
    other = factories.attempt(world.resource, world.classmate, questions={"q0": (0, 2), "q0p0": (0, 1),
                                                                           "q0p1": (0, 1), "q1": (0, 3)})
    remarking.discount(world.resource, "q0p1", "remove", "Tom")
    run_jobs()
    # q0p1 (worth 1) leaves the total: Ada 4 of 4, the classmate 0 of 4
    assert db.session.get(Attempt, world.attempt.id).score == pytest.approx(1.0)
    assert db.session.get(Attempt, other.id).score == 0
    remarking.discount(world.resource, "q1", "full_marks", "Tom")
    run_jobs()
    assert db.session.get(Attempt, other.id).score == pytest.approx(3 / 4)
    assert "2 discounted parts" in marking.attempt_notes(other)


def test_remark_job_lists_failures_and_carries_on(world, run_jobs, monkeypatch):
    broken = factories.attempt(world.resource, world.classmate, questions={"q0": (2, 2), "q1": (3, 3)})
    later = factories.attempt(world.resource, factories.member(world.consumer, world.context, "s3", "Cy"),
                              questions={"q0": (0, 2), "q1": (0, 3)})
    remarking.override(later, "q1", 3, "fair", "Tom")
    db.session.get(Attempt, later.id).score = None  # stale: the job must put it right
    db.session.commit()
    real = marking.attempt_score

    def failing_for_one(attempt, discounts=None):
        if attempt.id == broken.id:
            raise ValueError("package reported a score of NaN")
        return real(attempt, discounts)

    monkeypatch.setattr(marking, "attempt_score", failing_for_one)
    job = remarking.remark_all(world.resource, "Tom")
    run_jobs()
    job = db.session.get(RemarkJob, job.id)
    assert job.state == "finished" and job.total == 3 and job.done == 3
    assert job.failures == [{"attempt_id": broken.id, "error": "package reported a score of NaN"}]
    assert db.session.get(Attempt, later.id).score == pytest.approx(3 / 5)


def test_remark_page_answers_in_place_with_the_new_score(client, world):
    factories.sign_in(client, world.instructor)
    response = client.post(f"/dashboard/attempts/{world.attempt.id}/remarks",
                           data={"item": "q0p1", "score": "1", "reason": "typo in the answer key"},
                           headers={"HX-Request": "true"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in page
    assert "Question 1, part b re-marked to 1; the attempt now scores 100%" in page
    assert "typo in the answer key" in page and "queued" in page


def test_discount_form_on_the_attempts_tab(client, world, run_jobs):
    factories.sign_in(client, world.instructor)
    client.post(f"/dashboard/resources/{world.resource.id}/discounts", data={"item": "q1", "mode": "remove"})
    run_jobs()
    page = client.get(f"/dashboard/resources/{world.resource.id}/attempts").get_data(as_text=True)
    assert "removed from the total" in page and "1 score changed" in page
    assert db.session.get(Attempt, world.attempt.id).score == pytest.approx(0.5)


def test_students_attempt_list_partial_says_what_changed(app, world):
    from flask import render_template

    remarking.override(world.attempt, "q1", 2, "late", "Tom")
    remarking.discount(world.resource, "q0p1", "remove", "Tom")
    with app.test_request_context():
        html = render_template("partials/attempt_notes.html", attempt=world.attempt)
    assert "re-marked" in html and "1 discounted part<" in html


def test_a_remark_job_that_breaks_is_marked_failed(world, run_jobs, monkeypatch):
    def broken(resource_id):
        raise RuntimeError("database went away")

    monkeypatch.setattr(marking, "active_discounts", broken)
    job = remarking.remark_all(world.resource, "Tom")
    run_jobs()
    db.session.expire_all()
    job = db.session.get(RemarkJob, job.id)
    assert job.state == "failed" and job.error == "database went away"


def test_withdrawing_a_discount_re_marks_every_attempt_back(client, world, run_jobs):
    factories.sign_in(client, world.instructor)
    client.post(f"/dashboard/resources/{world.resource.id}/discounts", data={"item": "q1", "mode": "remove"})
    run_jobs()
    assert db.session.get(Attempt, world.attempt.id).score == pytest.approx(1 / 2)  # q0 alone: 1 of 2
    discount_id = Discount.query.one().id
    page = client.post(f"/dashboard/discounts/{discount_id}/withdraw", follow_redirects=True).get_data(as_text=True)
    assert "Discount of Question 2 withdrawn. Every attempt is being re-marked." in page
    run_jobs()
    assert db.session.get(Attempt, world.attempt.id).score == pytest.approx(4 / 5)  # q0 1 of 2, q1 3 of 3
    assert db.session.get(Discount, discount_id).removed_at is not None and marking.active_discounts(
        world.resource.id) == {}
    assert marking.attempt_notes(db.session.get(Attempt, world.attempt.id)) == []
    client.post(f"/dashboard/discounts/{discount_id}/withdraw")  # withdrawn already: nothing to re-mark
    assert RemarkJob.query.count() == 2


def test_re_marking_every_attempt_puts_stale_scores_right(client, world, run_jobs):
    factories.sign_in(client, world.instructor)
    db.session.get(Attempt, world.attempt.id).score = 0.1  # stale, as after a change to the marking rules
    db.session.commit()
    page = client.post(f"/dashboard/resources/{world.resource.id}/remark", follow_redirects=True)
    assert "Every attempt is being re-marked." in page.get_data(as_text=True)
    job = RemarkJob.query.one()
    assert (job.state, job.requested_by) == ("queued", "Tom Teacher (teacher-1)")
    run_jobs()
    assert db.session.get(Attempt, world.attempt.id).score == pytest.approx(4 / 5)  # q0 1 of 2, q1 3 of 3
    job = db.session.get(RemarkJob, job.id)
    assert (job.state, job.total, job.done, job.changed, job.failures) == ("finished", 1, 1, 1, [])
    status = client.get(f"/dashboard/remark-jobs/{job.id}").get_data(as_text=True)
    assert "1 score changed" in status
