"""From an attempt's CMI state to its result: score, statuses, questions, parts and time.

The state is the attempt's current CMI data, flattened (``{"cmi.score.scaled": "0.5", ...}``),
from a SCORM 2004 or a SCORM 1.2 package; both sets of names are read. Values come from the
browser, so nothing here raises on bad input: a value that is not a number is ignored.
"""

import math
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from operator import methodcaller

COMPLETION_STATUSES = {"completed", "incomplete", "not attempted", "unknown"}
SUCCESS_STATUSES = {"passed", "failed", "unknown"}
# SCORM 1.2 has one lesson_status where 2004 has two statuses: (completion, success).
LESSON_STATUSES = {
    "passed": ("completed", "passed"),
    "failed": ("completed", "failed"),
    "completed": ("completed", "unknown"),
    "incomplete": ("incomplete", "unknown"),
    "browsed": ("incomplete", "unknown"),
    "not attempted": ("not attempted", "unknown"),
}
SECONDS = {"Y": 365 * 86400, "M": 30 * 86400, "D": 86400, "H": 3600, "TM": 60, "S": 1}
DURATION_2004 = re.compile(
    r"^P(?:(?P<Y>\d+(?:\.\d+)?)Y)?(?:(?P<M>\d+(?:\.\d+)?)M)?(?:(?P<D>\d+(?:\.\d+)?)D)?"
    r"(?:T(?=\d)(?:(?P<H>\d+(?:\.\d+)?)H)?(?:(?P<TM>\d+(?:\.\d+)?)M)?(?:(?P<S>\d+(?:\.\d+)?)S)?)?$"
)
DURATION_12 = re.compile(r"^(\d+):([0-5]\d):([0-5]\d(?:\.\d+)?)$")


@dataclass(frozen=True)
class QuestionScore:
    id: str
    raw: float | None
    max: float | None
    scaled: float | None
    description: str = ""  # cmi.objectives.N.description (SCORM 2004): Numbas writes the question's name


@dataclass(frozen=True)
class PartResult:
    id: str
    score: float | None  # the numeric result, as Numbas reports a part's score
    result: str  # as sent: a number, or "correct", "incorrect", "wrong", ...
    weighting: float | None
    description: str = ""  # cmi.interactions.N.description (SCORM 2004)
    question: str = ""  # cmi.interactions.N.objectives.0.id: the question the part belongs to


@dataclass(frozen=True)
class AttemptResult:
    score: float | None  # scaled, 0 to 1
    raw: float | None
    max: float | None
    completion_status: str
    success_status: str
    questions: tuple[QuestionScore, ...]
    parts: tuple[PartResult, ...]
    time_seconds: float | None


def attempt_result(state: Mapping[str, str], items: bool = True, scorm12: bool | None = None) -> AttemptResult:
    """The result; with items=False, its totals, statuses and time only (no questions or parts), which
    read a few keys rather than the whole state (and scorm12, when given, is_scorm12 of the whole state)."""
    scorm12 = is_scorm12(state) if scorm12 is None else scorm12
    raw, max_, score = package_totals(state, scorm12)
    completion, success = _statuses(state, scorm12)
    collections = _collections(state) if items else {"objectives": [], "interactions": []}
    parts = _parts(collections["interactions"])
    return AttemptResult(
        score=score,
        raw=raw,
        max=max_,
        completion_status=completion,
        success_status=success,
        questions=_questions(collections["objectives"], parts),
        parts=parts,
        time_seconds=_time_spent(state, scorm12),
    )


def package_totals(state: Mapping[str, str], scorm12: bool | None = None) -> tuple:
    """(raw, max, scaled score) as the package reports its total."""
    scorm12 = is_scorm12(state) if scorm12 is None else scorm12
    prefix = "cmi.core." if scorm12 else "cmi."
    raw = number(state.get(prefix + "score.raw"))
    max_ = number(state.get(prefix + "score.max"))
    if scorm12 and max_ is None and raw is not None:
        max_ = 100.0  # SCORM 1.2 reads a raw score without min and max as a percentage
    return raw, max_, _scaled(number(state.get("cmi.score.scaled")), raw, max_)


def is_scorm12(state) -> bool:
    """Whether the state is SCORM 1.2's: it holds a key under cmi.core."""
    return any(map(IS_CORE_KEY, map(str, state)))


def parse_duration_2004(text: str | None) -> float | None:
    """Seconds in an ISO 8601 duration as SCORM 2004 writes it (PT1H2M3.5S, P1DT2H), else None."""
    match = DURATION_2004.match(text.strip()) if isinstance(text, str) else None
    if not match or not any(match.groupdict().values()):
        return None
    return sum(float(value) * SECONDS[unit] for unit, value in match.groupdict().items() if value)


def parse_duration_12(text: str | None) -> float | None:
    """Seconds in a SCORM 1.2 timespan (HHHH:MM:SS.SS), else None."""
    match = DURATION_12.match(text.strip()) if isinstance(text, str) else None
    if not match:
        return None
    hours, minutes, seconds = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def format_duration_2004(seconds: float) -> str:
    hours, minutes, rest = _split_time(seconds)
    text = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if rest or not text:
        text += f"{rest:.2f}".rstrip("0").rstrip(".") + "S"
    return "PT" + text


def format_duration_12(seconds: float) -> str:
    hours, minutes, rest = _split_time(seconds)
    return f"{min(hours, 9999):04d}:{minutes:02d}:{rest:05.2f}"


def accumulate_total_time(previous_total: str | None, session_time: str | None, *, scorm_version: str) -> str:
    """The total time to store when a session ends: the previous total plus this session's time."""
    if scorm_version == "1.2":
        parse, format_ = parse_duration_12, format_duration_12
    else:
        parse, format_ = parse_duration_2004, format_duration_2004
    return format_((parse(previous_total) or 0.0) + (parse(session_time) or 0.0))


def _split_time(seconds: float) -> tuple[int, int, float]:
    seconds = number(seconds) or 0.0
    centiseconds = round(seconds * 100) if seconds > 0 else 0
    hours, centiseconds = divmod(centiseconds, 360000)
    minutes, centiseconds = divmod(centiseconds, 6000)
    return hours, minutes, centiseconds / 100


def number(value) -> float | None:
    if value is None:  # most fields are absent: no exception to pay for
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def _scaled(scaled: float | None, raw: float | None, max_: float | None) -> float | None:
    if scaled is not None:
        return _clamp(scaled)
    if raw is not None and max_:
        return _clamp(raw / max_)
    return None


def _statuses(state: Mapping[str, str], scorm12: bool) -> tuple[str, str]:
    if scorm12:
        return LESSON_STATUSES.get(str(state.get("cmi.core.lesson_status", "")).strip(), ("unknown", "unknown"))
    completion = str(state.get("cmi.completion_status", "")).strip()
    success = str(state.get("cmi.success_status", "")).strip()
    return (
        completion if completion in COMPLETION_STATUSES else "unknown",
        success if success in SUCCESS_STATUSES else "unknown",
    )


IS_CORE_KEY = methodcaller("startswith", "cmi.core.")  # SCORM 1.2 keeps its data model under cmi.core
COLLECTION_KEY = re.compile(r"^cmi\.(objectives|interactions)\.(\d+)\.(.+)$")


def _collections(state: Mapping[str, str]) -> dict[str, list[dict[str, str]]]:
    """The entries of cmi.objectives.N.* and cmi.interactions.N.*, in index order, each as
    {"id": ..., "score.raw": ...}; one pass over the state."""
    entries = {"objectives": defaultdict(dict), "interactions": defaultdict(dict)}
    for key, value in state.items():
        match = COLLECTION_KEY.match(str(key))
        if match and not isinstance(value, (dict, list)):
            entries[match.group(1)][int(match.group(2))][match.group(3)] = str(value)
    return {name: [found[index] for index in sorted(found) if found[index].get("id")]
            for name, found in entries.items()}


def question_of(part_id, question_ids):
    """The question a part belongs to: the longest question id followed by "p" in the part's id.
    question_ids: a set or dict (anything `in` can ask); each "p" of the part's id is tried, last first."""
    end = part_id.rfind("p")
    while end >= 0:
        if part_id[:end] in question_ids:
            return part_id[:end]
        end = part_id.rfind("p", 0, end)
    return None


def _questions(objectives, parts) -> tuple[QuestionScore, ...]:
    """Each objective's score; a question not answered yet is worth its parts' weightings."""
    question_ids = {objective["id"] for objective in objectives}
    weightings = defaultdict(float)
    for part in parts:
        owner = question_of(part.id, question_ids)
        if owner is not None and part.weighting is not None:
            weightings[owner] += part.weighting
    questions = []
    for objective in objectives:
        raw, max_ = number(objective.get("score.raw")), number(objective.get("score.max"))
        if max_ is None and objective["id"] in weightings:
            max_ = weightings[objective["id"]]
        scaled = _scaled(number(objective.get("score.scaled")), raw, max_)
        questions.append(QuestionScore(id=objective["id"], raw=raw, max=max_, scaled=scaled,
                                       description=objective.get("description", "").strip()))
    return tuple(questions)


def _parts(interactions) -> tuple[PartResult, ...]:
    return tuple(
        PartResult(
            id=interaction["id"],
            score=number(interaction.get("result")),
            result=interaction.get("result", ""),
            weighting=number(interaction.get("weighting")),
            description=interaction.get("description", "").strip(),
            question=interaction.get("objectives.0.id", "").strip(),
        )
        for interaction in interactions
    )


def _time_spent(state: Mapping[str, str], scorm12: bool) -> float | None:
    if scorm12:
        total, session, parse = "cmi.core.total_time", "cmi.core.session_time", parse_duration_12
    else:
        total, session, parse = "cmi.total_time", "cmi.session_time", parse_duration_2004
    seconds = parse(state.get(total))
    return seconds if seconds is not None else parse(state.get(session))
