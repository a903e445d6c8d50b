"""The attempt services: access rules, the commit path, sessions, finishing, delete and restore."""
import threading
import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import text

from lti_app.errors import UserFacingError
from lti_app.extensions import db
from lti_app.models import AccessChange, Attempt, CmiElement, CommitBatch, Discount, QuestionScore, Remark
from lti_app.models.base import utcnow
from lti_app.services import attempts
from tests import factories
from tests.conftest import TEST_DATABASE_URL


@pytest.fixture
def world(app):
    consumer = factories.consumer()
    resource = factories.exam_resource(consumer, factories.uploaded_exam())
    return resource, factories.learner(consumer)


def send(attempt, sequence, elements, end=None, key=None, batch_id=None):
    batch = attempts.parse_batch({
        "batch_id": batch_id or uuid.uuid4().hex, "sequence": sequence, "end": end,
        "elements": [{"key": k, "value": v, "client_time": 1_790_000_000_000} for k, v in elements]})
    return attempts.commit(attempt.id, key or attempt.session_key, batch)


def started(resource, user):
    attempt = attempts.start(resource, user)
    attempts.open_session(attempt)
    return attempt


QUESTION_0 = [("cmi.objectives.0.id", "q0"), ("cmi.objectives.0.score.raw", "1"),
              ("cmi.objectives.0.score.max", "1"), ("cmi.interactions.0.id", "q0p0"),
              ("cmi.interactions.0.weighting", "1"), ("cmi.interactions.0.result", "1")]
QUESTION_1 = [("cmi.objectives.1.id", "q1"), ("cmi.objectives.1.score.raw", "0"),
              ("cmi.objectives.1.score.max", "2")]


def test_a_commit_logs_elements_sets_state_and_scores(world):
    attempt = started(*world)
    receipt = send(attempt, 1, QUESTION_0 + QUESTION_1 + [("cmi.score.raw", "1"), ("cmi.score.max", "3"),
                                                          ("cmi.completion_status", "incomplete")])
    assert receipt.as_json()["result"] is True and not receipt.duplicate
    logged = CmiElement.query.filter_by(attempt_id=attempt.id).order_by(CmiElement.id).all()
    assert [(e.key, e.value) for e in logged] == QUESTION_0 + QUESTION_1 + [
        ("cmi.score.raw", "1"), ("cmi.score.max", "3"), ("cmi.completion_status", "incomplete")]
    assert {e.client_time.timestamp() for e in logged} == {1_790_000_000} and {e.sequence for e in logged} == {1}
    assert attempt.state["cmi.objectives.0.id"] == "q0" and attempt.values["cmi.score.raw"].sequence == 1
    assert attempt.score == pytest.approx(1 / 3) and attempt.completion_status == "incomplete"
    scores = {row.item_id: (row.kind, row.raw, row.max) for row in QuestionScore.query}
    assert scores == {"q0": ("question", 1, 1), "q1": ("question", 0, 2), "q0p0": ("part", 1, 1)}


def test_an_element_without_a_client_time_is_logged_without_one(world):
    attempt = started(*world)
    batch = attempts.parse_batch({"batch_id": "b", "sequence": 1, "elements": [
        {"key": "cmi.location", "value": "q1"}, {"key": "cmi.suspend_data", "value": "{}", "client_time": "soon"},
        {"key": "cmi.exit", "value": "", "client_time": 1e30}, {"key": "cmi.mode", "value": "", "client_time": True},
        {"key": "cmi.entry", "value": "", "client_time": float("nan")}]})
    attempts.commit(attempt.id, attempt.session_key, batch)
    assert [(e.key, e.client_time) for e in CmiElement.query.order_by(CmiElement.id)] == [
        ("cmi.location", None), ("cmi.suspend_data", None), ("cmi.exit", None), ("cmi.mode", None),
        ("cmi.entry", None)]


def test_the_same_batch_twice_is_applied_once(world):
    attempt = started(*world)
    first = send(attempt, 1, QUESTION_0, batch_id="batch-1")
    again = send(attempt, 1, QUESTION_0, batch_id="batch-1")
    assert not first.duplicate and again.duplicate
    assert CommitBatch.query.count() == 1 and CmiElement.query.count() == len(QUESTION_0)


def test_an_older_batch_never_overwrites_a_newer_value(world):
    attempt = started(*world)
    send(attempt, 2, [("cmi.location", "q2")])
    send(attempt, 1, [("cmi.location", "q1"), ("cmi.suspend_data", "old but only")])
    assert attempt.state["cmi.location"] == "q2" and attempt.state["cmi.suspend_data"] == "old but only"
    assert CmiElement.query.filter_by(key="cmi.location").count() == 2  # the log keeps both


def test_what_a_save_keeps_of_the_state_follows_it(world):
    """The state's size, its SCORM version and whether its ids are plain are kept on the attempt, so a save
    need not read the whole state; after the migration the last is worked out by the first save to need it."""
    attempt = started(*world)
    send(attempt, 1, QUESTION_0 + QUESTION_1)
    assert attempt.state_chars == sum(map(len, attempt.state)) + sum(map(len, attempt.state.values()))
    assert attempt.state_ids_plain is True and attempt.state_is_scorm12 is False
    attempt.state_ids_plain = None  # as the migration leaves it
    db.session.commit()
    send(attempt, 2, [("cmi.objectives.1.score.raw", "2")])
    assert attempt.state_ids_plain is True and QuestionScore.query.filter_by(item_id="q1").one().raw == 2
    send(attempt, 3, [("cmi.objectives.2.id", "q0"), ("cmi.core.lesson_status", "incomplete")])  # q0 twice
    assert attempt.state_ids_plain is False and attempt.state_is_scorm12 is True
    send(attempt, 4, [("cmi.suspend_data", "x" * 10)])
    assert attempt.state_chars == sum(map(len, attempt.state)) + sum(map(len, attempt.state.values()))


def test_nothing_changes_the_score_when_the_numbers_do_not(world):
    attempt = started(*world)
    send(attempt, 1, QUESTION_0)
    db.session.add(Remark(attempt_id=attempt.id, item_id="q0", score=0, created_by="t"))
    db.session.commit()
    send(attempt, 2, [("cmi.location", "q1")])  # no score moved: the re-mark is not re-read
    assert attempt.score == 1
    send(attempt, 3, [("cmi.objectives.0.score.raw", "0.5")])
    assert attempt.score == 0  # the score went through marking, which applies the re-mark


def test_a_re_mark_counts_against_the_score_the_same_save_moved(world):
    attempt = started(*world)
    send(attempt, 1, QUESTION_0 + QUESTION_1 + [("cmi.score.raw", "1"), ("cmi.score.max", "3")])
    db.session.add(Remark(attempt_id=attempt.id, item_id="q0", score=1, created_by="t"))
    db.session.commit()
    send(attempt, 2, [("cmi.objectives.0.score.raw", "0"), ("cmi.score.raw", "0")])
    # The package now gives q0 nothing and the re-mark gives it 1: read against the row this save wrote.
    assert attempt.score == pytest.approx(1 / 3)


def test_a_discount_counts_in_every_later_commit_until_it_is_withdrawn(world):
    resource, _ = world
    attempt = started(*world)
    send(attempt, 1, QUESTION_0 + QUESTION_1 + [("cmi.score.raw", "1"), ("cmi.score.max", "3")])
    discount = Discount(resource_id=resource.id, item_id="q1", mode="full_marks", created_by="t")
    db.session.add(discount)
    db.session.commit()
    send(attempt, 2, [("cmi.objectives.0.score.raw", "0"), ("cmi.score.raw", "0")])
    assert attempt.score == pytest.approx(2 / 3)  # q1's two marks given to everyone
    discount.removed_at = utcnow()
    db.session.commit()
    send(attempt, 3, [("cmi.objectives.0.score.raw", "1"), ("cmi.score.raw", "1")])
    assert attempt.score == pytest.approx(1 / 3)  # the package's own total again


def test_terminate_with_suspend_keeps_the_attempt_open_and_adds_time(world):
    attempt = started(*world)
    send(attempt, 1, [("cmi.exit", "suspend"), ("cmi.session_time", "PT1M30S")], end="terminate")
    assert attempt.status == "open" and attempt.state["cmi.total_time"] == "PT1M30S"
    attempts.open_session(attempt)
    send(attempt, 2, [("cmi.exit", "normal"), ("cmi.session_time", "PT1M")], end="terminate")
    assert attempt.status == "finished" and attempt.finished_at is not None
    assert attempt.time_spent_seconds == 150
    with pytest.raises(UserFacingError, match="finished"):
        send(attempt, 3, [("cmi.location", "x")])


def test_an_unload_ends_the_session_without_finishing(world):
    attempt = started(*world)
    send(attempt, 1, [("cmi.core.session_time", "00:02:00")], end="unload")
    assert attempt.status == "open" and attempt.state["cmi.core.total_time"] == "0000:02:00.00"


def test_a_second_window_takes_over(world):
    attempt = started(*world)
    first_window = attempt.session_key
    attempts.open_session(attempt)
    with pytest.raises(UserFacingError) as error:
        send(attempt, 1, [("cmi.location", "q1")], key=first_window)
    assert error.value.code == "superseded" and error.value.status == 409
    assert send(attempt, 1, [("cmi.location", "q1")]).status == "open"
    assert CommitBatch.query.count() == 1 and CmiElement.query.count() == 1  # nothing of the window taken over


@pytest.mark.parametrize("payload, param, status", [
    ([], None, 400), ({"sequence": 1, "elements": []}, "batch_id", 400),
    ({"batch_id": "b", "sequence": "1", "elements": []}, "sequence", 400),
    ({"batch_id": "b", "sequence": 1, "elements": {}}, "elements", 400),
    ({"batch_id": "b", "sequence": 1, "elements": [{"key": "cmi.location"}, {"value": 1}]}, "elements.1.key", 422),
])
def test_malformed_batches_are_refused_by_name(payload, param, status):
    with pytest.raises(UserFacingError) as error:
        attempts.parse_batch(payload)
    assert error.value.param == param and error.value.status == status


def test_empty_collections_are_skipped():
    batch = attempts.parse_batch({"batch_id": "b", "sequence": 1, "elements": [
        {"key": "cmi.objectives", "value": {}}, {"key": "cmi.location", "value": 3}]})
    assert [(e.key, e.value) for e in batch.elements] == [("cmi.location", "3")]


def test_start_twice_gives_the_same_attempt(world):
    assert attempts.start(*world).id == attempts.start(*world).id


def test_a_resource_closed_with_no_opening_date(world):
    resource, user = world
    resource.available_until = utcnow() - timedelta(days=1)
    with pytest.raises(UserFacingError, match="closed on") as error:
        attempts.start(resource, user)
    assert error.value.code == "closed"
    db.session.add(AccessChange(resource_id=resource.id, user_id=user.id,
                                available_until=utcnow() + timedelta(days=1)))
    db.session.commit()
    assert attempts.access(resource, user).is_open
    assert attempts.start(resource, user).number == 1


def test_not_open_yet(world):
    resource, user = world
    resource.available_from = utcnow() + timedelta(days=1)
    with pytest.raises(UserFacingError, match="opens on"):
        attempts.start(resource, user)


def test_maximum_attempts_and_an_extra_one(world):
    resource, user = world
    resource.max_attempts = 1
    attempts.start(resource, user).status = "finished"
    with pytest.raises(UserFacingError, match="all your attempts"):
        attempts.start(resource, user)
    db.session.add(AccessChange(resource_id=resource.id, user_id=user.id, extra_attempts=1))
    db.session.commit()
    assert attempts.access(resource, user).attempts_left == 1
    assert attempts.start(resource, user).number == 2


def test_deleted_attempts_are_hidden_do_not_count_and_can_be_restored(world):
    resource, user = world
    resource.max_attempts, resource.report_mode = 1, "manually"
    db.session.commit()
    attempt = attempts.start(resource, user)
    attempts.delete_attempt(attempt, by="teacher")
    db.session.rollback()  # from here on, read what the service stored
    assert attempts.student_attempts(resource, user) == []
    replacement = attempts.start(resource, user)
    assert replacement.id != attempt.id and replacement.number == 2
    attempts.restore_attempt(attempt, by="teacher")
    db.session.rollback()
    assert [a.id for a in attempts.student_attempts(resource, user)] == [attempt.id, replacement.id]



def test_a_deleted_attempt_saves_nothing(world):
    attempt = started(*world)
    attempts.delete_attempt(attempt, by="teacher")
    with pytest.raises(UserFacingError) as error:
        send(attempt, 1, [("cmi.location", "q1")])
    assert error.value.code == "attempt_not_found" and CommitBatch.query.count() == 0


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="concurrent transactions need PostgreSQL")
def test_concurrent_commits_make_one_question_score_row(app, world):
    attempt = started(*world)
    attempt_id, key = attempt.id, attempt.session_key
    barrier, errors = threading.Barrier(2), []

    def commit(sequence):
        with app.app_context():
            try:
                batch = attempts.parse_batch({"batch_id": uuid.uuid4().hex, "sequence": sequence, "elements": [
                    {"key": k, "value": v} for k, v in QUESTION_0]})
                barrier.wait()
                attempts.commit(attempt_id, key, batch)
            except Exception as error:  # reported below, so the test shows what went wrong
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=commit, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert QuestionScore.query.filter_by(attempt_id=attempt_id, item_id="q0").count() == 1
    assert CommitBatch.query.filter_by(attempt_id=attempt_id).count() == 2


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="concurrent transactions need PostgreSQL")
def test_a_save_that_waited_for_the_lock_reads_what_the_other_save_wrote(app, world):
    """The lock and the read of the stored values are one statement, whose snapshot is older than the lock
    when it waited: a save committed meanwhile must still count (here its later value stays)."""
    attempt = started(*world)
    send(attempt, 1, [("cmi.location", "q1")])
    attempt_id, key = attempt.id, attempt.session_key
    db.session.remove()
    other = db.engine.connect()
    other.execute(text("SELECT id FROM attempt WHERE id = :id FOR UPDATE"), {"id": attempt_id})
    saved, errors = [], []

    def save_sequence_2():
        with app.app_context():
            try:
                saved.append(attempts.commit(attempt_id, key, attempts.parse_batch({
                    "batch_id": "waits", "sequence": 2, "elements": [{"key": "cmi.location", "value": "q2"}]})))
            except Exception as error:  # reported below, so the test shows what went wrong
                errors.append(error)
            finally:
                db.session.remove()

    waiting = threading.Thread(target=save_sequence_2)
    waiting.start()
    give_up = time.monotonic() + 10
    while not _waits_for_a_lock(other):
        assert time.monotonic() < give_up, "the save never waited for the lock"
        time.sleep(0.01)
    # What a save of sequence 3 writes, committed while the save of sequence 2 waits.
    other.execute(text("UPDATE attempt_value SET value = 'q3', sequence = 3 WHERE attempt_id = :id "
                       "AND key = 'cmi.location'"), {"id": attempt_id})
    other.execute(text("UPDATE attempt SET last_commit_at = last_commit_at WHERE id = :id"), {"id": attempt_id})
    other.commit()
    other.close()
    waiting.join()
    assert errors == [] and saved[0].duplicate is False
    assert db.session.get(Attempt, attempt_id).state["cmi.location"] == "q3"
    assert CmiElement.query.filter_by(attempt_id=attempt_id, value="q2").count() == 1  # logged all the same


def _waits_for_a_lock(connection):
    connection.execute(text("SELECT pg_stat_clear_snapshot()"))  # activity is otherwise read once per transaction
    return connection.execute(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                   "AND datname = current_database()")).scalar() > 0


def test_more_time_given_to_an_open_attempt_applies_at_once(world):
    resource, user = world
    resource.time_limit_minutes = 30
    attempt = started(resource, user)
    attempt.started_at = utcnow() - timedelta(minutes=45)
    db.session.add(AccessChange(resource_id=resource.id, user_id=user.id, extra_minutes=30))
    db.session.commit()
    send(attempt, 1, QUESTION_0)
    assert attempt.status == "open"
