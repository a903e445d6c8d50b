"""The SCORM API inside a package's own documents: what they read first, and how the API gets there.

Package documents run in an opaque origin (see docs/content-origin.md): they cannot reach the API
object in the player's window, so every HTML file is served with a script that defines the API in
the document itself and relays the calls to the player over postMessage. SCORM reads are
synchronous and a package reads its saved state first thing (Numbas: cmi.suspend_data, then
cmi.location), before any answer from the player can arrive: the script starts with the values the
API would give, computed here from the attempt's stored state.
"""
import re
from html import escape

# Set by the LMS below, or write-only: never read back from the stored state. static/js/player.js
# applies the same rule to the values it restores.
NOT_LOADED = re.compile(r"\._(count|children|version)$|^cmi\.(core\.)?(session_time|exit|entry|credit)$"
                        r"|^cmi\.(mode|learner_id|learner_name)$|^cmi\.core\.(lesson_mode|student_id|student_name)$")
COLLECTIONS = {
    "2004": ("cmi.objectives", "cmi.interactions", "cmi.comments_from_learner", "cmi.comments_from_lms"),
    "1.2": ("cmi.objectives", "cmi.interactions"),
}
INDEX = re.compile(r"\.(\d+)(?=\.)")
HTML_TYPES = {"text/html", "application/xhtml+xml"}
# The API script goes first in <head>, so it runs before any script of the package.
OPENING_TAGS = [re.compile(pattern, re.IGNORECASE)
                for pattern in (rb"<head(?:\s[^>]*)?>", rb"<html(?:\s[^>]*)?>", rb"<!doctype[^>]*>")]
BOM = b"\xef\xbb\xbf"


def lms_values(scorm_version: str, mode: str, entry: str, learner_id: str, learner_name: str) -> dict:
    """The read-only elements the LMS sets for a session."""
    if scorm_version == "1.2":
        return {"cmi.core.entry": entry, "cmi.core.lesson_mode": mode, "cmi.core.student_id": learner_id,
                "cmi.core.student_name": learner_name, "cmi.core.credit": "credit"}
    return {"cmi.entry": entry, "cmi.mode": mode, "cmi.learner_id": learner_id, "cmi.learner_name": learner_name,
            "cmi.credit": "credit"}


def first_values(state: dict, scorm_version: str, lms: dict) -> dict:
    """Every value a package may read before the player has answered: the stored state, what the
    LMS sets, and the collections' counts."""
    values = {key: value for key, value in state.items() if not NOT_LOADED.search(key)}
    values.update(lms)
    counts = dict.fromkeys(COLLECTIONS.get(scorm_version, COLLECTIONS["2004"]), 0)
    for key in values:
        for match in INDEX.finditer(key):
            collection = key[:match.start()]
            counts[collection] = max(counts.get(collection, 0), int(match.group(1)) + 1)
    values.update({f"{collection}._count": str(count) for collection, count in counts.items()})
    return values


def with_api_script(page: bytes, script_url: str) -> bytes:
    """The HTML page with a <script src> for the API before anything else it runs."""
    tag = f'<script src="{escape(script_url)}"></script>'.encode()
    for pattern in OPENING_TAGS:
        found = pattern.search(page)
        if found:
            return page[:found.end()] + tag + page[found.end():]
    if page.startswith(BOM):
        return BOM + tag + page[len(BOM):]
    return tag + page
