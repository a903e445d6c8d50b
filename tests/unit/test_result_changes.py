"""A commit reads only the keys its batch sets and the few its result reads, and compares and writes only
the question and part rows its changed keys can move (lti_app.scorm.changes): checked here against reading
the whole state and comparing every row, the way every commit did before, over arbitrary states and
changes."""
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lti_app.scorm.changes import IS_ID_KEY, entry_ids_plain, keys_to_read, moves_result, scored_rows
from lti_app.scorm.cmi import attempt_result, is_scorm12
from lti_app.services.attempts import item_rows

FIELDS = ["id", "score.raw", "score.max", "score.scaled", "description", "result", "weighting",
          "objectives.0.id", "learner_response", "latency"]
KEYS = ([f"cmi.{name}.{index}.{field}" for name in ("objectives", "interactions") for index in ("0", "1", "01")
         for field in FIELDS]
        + ["cmi.score.raw", "cmi.score.max", "cmi.score.scaled", "cmi.completion_status", "cmi.success_status",
           "cmi.session_time", "cmi.total_time", "cmi.suspend_data", "cmi.location", "cmi.core.score.raw",
           "cmi.core.lesson_status", "cmi.objectives.1.id\n", "cmi.objectives.0.score.raw\n"])  # `$` before a newline
VALUES = st.sampled_from(["q0", "q1", "q0p0", "q0p1", "q1p0", "A", "B", "0", "1", "2.5", "", "x", "completed", "PT1M"])
STATES = st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=25)
CHANGES = st.dictionaries(st.sampled_from(KEYS), VALUES, min_size=1, max_size=3)


def stored(state):
    """What a commit keeps of a state's result: the item rows, the totals, the statuses and the time."""
    result = attempt_result(state)
    return (item_rows(result), result.raw, result.max, result.score, result.completion_status,
            result.success_status, result.time_seconds)


@settings(max_examples=1500, deadline=None)
@given(STATES, CHANGES)
@example({"cmi.objectives.0.id": "q1", "cmi.interactions.0.id": "A"}, {"cmi.interactions.0.objectives.0.id": "q1"})
@example({"cmi.objectives.1.id": "q0", "cmi.objectives.1.score.raw": "1"}, {"cmi.objectives.01.score.raw": "2.5"})
@example({"cmi.objectives.1.id\n": "q1"}, {"cmi.objectives.1.score.raw": "2.5"})
def test_only_the_rows_a_change_can_move_are_compared(old, batch):
    new = {**old, **batch}
    changed = [key for key in batch if new.get(key) != old.get(key)]
    moving = [key for key in changed if moves_result(key)]
    if not any(map(IS_ID_KEY, changed)):  # what the attempt keeps is not read again
        assert entry_ids_plain(new) == entry_ids_plain(old)
    if not moving:
        assert stored(old) == stored(new)
        return
    read = {key: new[key] for key in keys_to_read(batch) if key in new}  # what a save reads of the state
    scored = scored_rows(read, moving, entry_ids_plain(old))
    if scored is not None:
        old_rows, new_rows = item_rows(attempt_result(old)), item_rows(attempt_result(new))
        changed = {item: row for item, row in new_rows.items() if old_rows.get(item) != row}
        assert set(changed) <= set(scored)  # every row that moved is written ...
        for item, raw in scored.items():  # ... with its score, and nothing else of it moved
            assert new_rows[item] == {**old_rows[item], "raw": raw}
        totals, whole = attempt_result(read, items=False, scorm12=is_scorm12(new)), attempt_result(new)
        assert totals == whole.__class__(**{**whole.__dict__, "questions": (), "parts": ()})


def test_a_score_alone_names_its_row_and_a_new_name_asks_for_all():
    state = {"cmi.objectives.0.id": "q0", "cmi.objectives.0.score.raw": "1", "cmi.interactions.0.id": "q0p0",
             "cmi.interactions.0.result": "0.5"}
    scores = ["cmi.objectives.0.score.raw", "cmi.interactions.0.result"]
    assert scored_rows(state, scores, ids_plain=True) == {"q0": 1, "q0p0": 0.5}
    assert scored_rows(state, ["cmi.objectives.0.score.raw", "cmi.objectives.0.description"], True) is None
    assert scored_rows(state, scores, ids_plain=False) is None
    assert not entry_ids_plain({**state, "cmi.objectives.1.id": "q0"})  # an id twice
    assert not entry_ids_plain({**state, "cmi.objectives.01.id": "q1"}) and entry_ids_plain(state)
    assert keys_to_read(["cmi.interactions.4.result"]) >= {"cmi.interactions.4.id", "cmi.score.raw"}
    assert not moves_result("cmi.interactions.0.learner_response") and not moves_result("cmi.suspend_data")
    assert moves_result("cmi.core.lesson_location")  # any SCORM 1.2 core key: it decides how the state is read
