"""The names people read for a package's questions and parts, instead of its internal ids.

A package's own words come first: SCORM 2004 lets it describe each objective (question) and
interaction (part); Numbas writes the question's name there. Without them, questions are numbered
from 1 in the package's order and parts lettered inside their question, as Numbas shows them:
"Question 1", "Question 1, part a". Numbas's ids say where an item sits (q0 is the first question,
q0p1 its second part, q0p1g0 that part's first gap), so they are read for the numbers."""
import re
from collections import defaultdict

from .cmi import question_of

NUMBAS_QUESTION = re.compile(r"^q(\d+)$")
NUMBAS_PART = re.compile(r"^q(\d+)p(\d+)((?:[gsa]\d+)*)$")
NUMBAS_SUBPART = re.compile(r"([gsa])(\d+)")
SUBPART_NAMES = {"g": "gap", "s": "step", "a": "alternative"}
# Numbas describes a part by its type ("jme", "numberentry", "gapfill"): not a name for people.
PART_TYPE = re.compile(r"^[a-z0-9_-]+$")
LABEL_LENGTH = 300


def item_labels(result) -> dict[str, str]:
    """{item id: name} for every question and part of an attempt's result (lti_app.scorm.cmi)."""
    numbers, labels = {}, {}
    for position, question in enumerate(result.questions):
        numbers[question.id] = _numbas_question(question.id) or position + 1
        labels[question.id] = _with_description(f"Question {numbers[question.id]}", question.description)
    parts_seen, loose = defaultdict(int), 0
    for part in result.parts:
        if part.id in labels:
            continue
        owner = part.question if part.question in numbers else question_of(part.id, numbers)
        description = "" if NUMBAS_PART.match(part.id) and PART_TYPE.match(part.description) else part.description
        if owner is None:
            loose += 1
            name = f"{'Part' if numbers else 'Question'} {loose}"
        else:
            name = _numbas_part(part.id, numbers[owner]) or f"Question {numbers[owner]}, part {_letter(parts_seen[owner])}"
            parts_seen[owner] += 1
        labels[part.id] = _with_description(name, description)
    return labels


def plain_label(item_id, kind) -> str:
    """A name from the id alone, for an item stored before names were kept."""
    match = NUMBAS_PART.match(item_id)
    if match:
        return _numbas_part(item_id, int(match.group(1)) + 1)
    number = _numbas_question(item_id)
    return f"Question {number}" if number else f"{kind.capitalize()} {item_id}"


def _numbas_question(item_id):
    match = NUMBAS_QUESTION.match(item_id)
    return int(match.group(1)) + 1 if match else None


def _numbas_part(item_id, question_number):
    match = NUMBAS_PART.match(item_id)
    if not match:
        return None
    pieces = [f"Question {question_number}", f"part {_letter(int(match.group(2)))}"]
    pieces += [f"{SUBPART_NAMES[kind]} {int(index) + 1}" for kind, index in NUMBAS_SUBPART.findall(match.group(3))]
    return ", ".join(pieces)


def _letter(index):
    return chr(ord("a") + index) if index < 26 else str(index + 1)


def _with_description(name, description):
    return (f"{name}: {description}" if description else name)[:LABEL_LENGTH]
