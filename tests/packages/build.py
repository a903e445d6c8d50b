"""Build the quiz packages as zips: the SCORM 2004 demo, and its SCORM 1.2 twin for tests.

The 1.2 package is the demo's index.html, quiz.js and style.css with the 1.2 adapter.js and
manifest from tests/packages/quiz12/, so both packages run the same quiz.
"""

import shutil
import tempfile
from pathlib import Path

from lti_app.scorm.package import zip_folder

REPO = Path(__file__).resolve().parents[2]
QUIZ_2004 = REPO / "lti_app" / "demo" / "quiz2004"
QUIZ_12 = REPO / "tests" / "packages" / "quiz12"
SHARED_FILES = ("index.html", "quiz.js", "style.css")


def quiz2004_zip() -> bytes:
    return zip_folder(QUIZ_2004)


def quiz12_zip() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        for name in SHARED_FILES:
            shutil.copy(QUIZ_2004 / name, folder)
        shutil.copytree(QUIZ_12, folder, dirs_exist_ok=True)
        return zip_folder(folder)
