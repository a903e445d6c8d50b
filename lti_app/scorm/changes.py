"""What a change to an attempt's state can move of its result (lti_app.scorm.cmi), so that a commit does
work in proportion to its batch rather than to everything the attempt holds.

A question's or part's stored row (services/attempts.item_rows) is made of a few fields of its objective
or interaction. A change to the score field moves that row's score and nothing else; a change to an id,
a name, a maximum or the part's question may move any row (positions, labels, maxima), and then every row
is compared with the result before the batch.
"""
from collections.abc import Mapping
from operator import methodcaller

from .cmi import COLLECTION_KEY, number

ROW_FIELDS = {"objectives": {"id", "score.raw", "score.max", "description"},
              "interactions": {"id", "result", "weighting", "description", "objectives.0.id"}}
SCORE_FIELDS = {"objectives": "score.raw", "interactions": "result"}
# Every key attempt_result(items=False) reads, in both SCORM versions.
RESULT_KEYS = ("cmi.score.raw", "cmi.score.max", "cmi.score.scaled", "cmi.completion_status", "cmi.success_status",
               "cmi.total_time", "cmi.session_time", "cmi.core.score.raw", "cmi.core.score.max",
               "cmi.core.lesson_status", "cmi.core.total_time", "cmi.core.session_time")
TOTAL_KEYS = ("cmi.core.", "cmi.score.", "cmi.completion_status", "cmi.success_status", "cmi.total_time",
              "cmi.session_time")
IS_ID_KEY = methodcaller("endswith", (".id", ".id\n"))  # COLLECTION_KEY's `$` also matches before a final newline


def moves_result(key) -> bool:
    """Whether a change to this key can change what is stored from the result: the totals, the statuses,
    the time, or a question's or part's row. Suspend data, a location or a learner's response cannot."""
    if key.startswith(TOTAL_KEYS):
        return True
    match = COLLECTION_KEY.match(key)
    return match is not None and match.group(3) in ROW_FIELDS[match.group(1)]


def scored_rows(values: Mapping[str, str], changed_keys, ids_plain: bool) -> dict | None:
    """{item id: its new score} for the questions and parts whose score the changed keys set, when that
    is all they change of any row; None when every row must be compared: an id, a name or a maximum
    changed, or the state is one where which entry makes a row takes the whole result to say (see
    entry_ids_plain, of the whole state: ids_plain). values: the state's values of the changed keys and of
    their entries' ids (keys_to_read)."""
    scored_keys = []
    for key in changed_keys:
        match = COLLECTION_KEY.match(key)
        if match is None:
            continue
        name, index, field = match.groups()
        if field in ROW_FIELDS[name] and field != SCORE_FIELDS[name]:
            return None
        if field == SCORE_FIELDS[name]:
            if str(int(index)) != index:
                return None
            scored_keys.append((name, index, key))
    if not scored_keys:
        return {}
    if not ids_plain:
        return None
    ids = {(name, index): values.get(_id_key(name, index)) for name, index, _ in scored_keys}
    return {ids[name, index]: number(values[key]) for name, index, key in scored_keys if ids[name, index]}


def keys_to_read(keys) -> set:
    """What a save that sets these keys reads of the state: the keys, those its totals, statuses and time
    are read from, and the id of each entry whose score they set."""
    ids = {_id_key(match.group(1), match.group(2)) for match in map(COLLECTION_KEY.match, keys)
           if match is not None and match.group(3) == SCORE_FIELDS[match.group(1)]}
    return {*keys, *RESULT_KEYS, *ids}


def entry_ids_plain(state: Mapping[str, str]) -> bool:
    """Whether every objective and interaction with an id is found under its own plain key: no id used
    twice, no index written two ways (1 and 01), no id key with a trailing newline (which the collection
    pattern also reads). Only a change to an id key can change it."""
    ids = {}
    for key in filter(IS_ID_KEY, state):
        value, match = state[key], COLLECTION_KEY.match(key)
        if match is None or match.group(3) != "id" or not value:
            continue
        name, index = match.group(1), match.group(2)
        if key != _id_key(name, index) or str(int(index)) != index:
            return False
        ids[name, index] = value
    return len(set(ids.values())) == len(ids)


def _id_key(name, index):
    return f"cmi.{name}.{index}.id"
