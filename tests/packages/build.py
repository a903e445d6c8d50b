"""Build the quiz packages as zips: the SCORM 2004 demo, and its SCORM 1.2 twin for tests.

The 1.2 package is the demo's index.html, quiz.js and style.css with the 1.2 adapter.js and
manifest from tests/packages/quiz12/, so both packages run the same quiz.
"""

import io
import shutil
import stat
import tempfile
import zipfile
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


MINIMAL_MANIFEST = b"""<?xml version="1.0"?>
<manifest identifier="m" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1">
  <metadata><schemaversion>2004 3rd Edition</schemaversion></metadata>
  <organizations default="o"><organization identifier="o"><title>Quiz</title>
    <item identifier="i" identifierref="r"><title>Quiz</title></item>
  </organization></organizations>
  <resources><resource identifier="r" href="index.html"/></resources>
</manifest>"""
MINIMAL_FILES = {"imsmanifest.xml": MINIMAL_MANIFEST, "index.html": b"<html></html>", "js/quiz.js": b"1;"}


def zip_files(files: dict, symlinks=()) -> bytes:
    """A zip holding `files` ({name: bytes}) and symbolic links named `symlinks`, exactly as given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
        for name in symlinks:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()
