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


def scored_rows(state: Mapping[str, str], changed_keys) -> dict | None:
    """{item id: its new score} for the questions and parts whose score the changed keys set, when that
    is all they change of any row; None when every row must be compared: an id, a name or a maximum
    changed, or the state is one where which entry makes a row takes the whole result to say (an id used
    twice, an index written two ways such as 1 and 01)."""
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
    ids = _entry_ids(state)
    if ids is None:
        return None
    return {ids[name, index]: number(state[key]) for name, index, key in scored_keys if (name, index) in ids}


def _entry_ids(state):
    """{(collection, index): id} of every objective and interaction with an id; None when an id is used
    twice or an index is not written plainly."""
    ids = {}
    for key in filter(IS_ID_KEY, state):
        value, match = state[key], COLLECTION_KEY.match(key)
        if match is None or match.group(3) != "id" or not value:
            continue
        name, index = match.group(1), match.group(2)
        if str(int(index)) != index:
            return None
        ids[name, index] = value
    return ids if len(set(ids.values())) == len(ids) else None
