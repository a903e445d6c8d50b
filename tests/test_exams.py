"""Uploading exams: refusals store nothing, packages are stored once, unpacked lazily, round-tripped."""
import io

import pytest

from lti_app.errors import UserFacingError
from lti_app.models import Exam, ExamVersion, StoredChunk, StoredFile
from lti_app.services import exams, storage
from tests import factories
from tests.packages.build import MINIMAL_FILES, quiz12_zip, quiz2004_zip, zip_files

WITHOUT_INDEX = {k: v for k, v in MINIMAL_FILES.items() if k != "index.html"}
REFUSED = {
    "no file": (b"", "No file was uploaded"),
    "not a zip": (b"%PDF-1.4", "not a zip archive"),
    "corrupt zip": (zip_files(MINIMAL_FILES)[:-30], "damaged"),
    "no manifest": (zip_files({"index.html": b""}), "no imsmanifest.xml"),
    "missing launch file": (zip_files(WITHOUT_INDEX), "which is not in the package"),
    "parent path": (zip_files({**MINIMAL_FILES, "../evil.html": b"x"}), "outside its folder"),
    "absolute path": (zip_files({**MINIMAL_FILES, "/etc/evil": b"x"}), "outside its folder"),
    "link": (zip_files(MINIMAL_FILES, symlinks=["link.html"]), "symbolic link"),
    "too large": (zip_files({**MINIMAL_FILES, "big.bin": b"\0" * 5000}), "the limit"),
    "too many files": (zip_files({**MINIMAL_FILES, **{f"f{n}": b"" for n in range(10)}}), "the limit is 10"),
}
LIMITS = {"PACKAGE_MAX_UNPACKED_BYTES": 4000, "PACKAGE_MAX_FILES": 10}


def nothing_stored():
    return Exam.query.count() == ExamVersion.query.count() == StoredFile.query.count() == StoredChunk.query.count() == 0


@pytest.mark.parametrize("case", REFUSED)
def test_refused_upload_through_the_service_stores_nothing(make_app, case):
    data, message = REFUSED[case]
    with make_app(**LIMITS).app_context():
        with pytest.raises(UserFacingError) as error:
            exams.upload(data, title="Quiz")
        assert message in error.value.message and error.value.status == 422
        assert nothing_stored()


@pytest.mark.parametrize("case", REFUSED)
def test_refused_upload_through_the_cli_stores_nothing(make_app, tmp_path, case):
    data, message = REFUSED[case]
    app = make_app(**LIMITS)
    path = tmp_path / "package.zip"
    path.write_bytes(data)
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["exams", "upload", str(path), "--title", "Quiz"])
        assert result.exit_code != 0 and message in result.output
        assert nothing_stored()


def test_cli_upload_and_new_version(runner, tmp_path):
    path = tmp_path / "quiz.zip"
    path.write_bytes(quiz2004_zip())
    first = runner.invoke(args=["exams", "upload", str(path), "--title", "Demo quiz", "--slug", "demo-quiz"])
    assert first.exit_code == 0, first.output
    assert "exam: demo-quiz\nversion: 1\nscorm: 2004\nlaunch: index.html\n" == first.output
    path.write_bytes(quiz12_zip())
    second = runner.invoke(args=["exams", "upload", str(path), "--title", "Demo quiz", "--slug", "demo-quiz"])
    assert "version: 2\nscorm: 1.2" in second.output
    assert [v.scorm_version for v in Exam.query.one().versions] == ["2004", "1.2"]


def test_same_package_is_stored_once(app):
    first = exams.upload(quiz2004_zip(), title="Quiz A")
    second = exams.upload(quiz2004_zip(), title="Quiz B")
    assert first.exam.slug == "quiz-a" and second.exam.slug == "quiz-b"
    assert first.package_id == second.package_id
    assert StoredFile.query.count() == 1


def test_slugs_are_unique(app):
    exams.upload(quiz2004_zip(), title="Quiz")
    assert exams.upload(quiz2004_zip(), title="Quiz").exam.slug == "quiz-2"
    with pytest.raises(UserFacingError, match="already taken"):
        exams.upload(quiz2004_zip(), title="Other", slug="quiz")


def test_storage_round_trip_in_chunks(app, monkeypatch):
    monkeypatch.setattr(storage, "CHUNK_BYTES", 1000)
    data = bytes(range(256)) * 10  # 2560 bytes: three chunks
    stored = storage.store_stream(io.BytesIO(data))
    assert StoredChunk.query.filter_by(file_id=stored.id).count() == 3
    assert [len(c) for c in storage.iter_chunks(stored)] == [1000, 1000, 560]
    assert storage.read_bytes(stored) == data and stored.size == len(data)
    assert storage.store_stream(io.BytesIO(data)).id == stored.id


def test_unpack_cache_unpacks_once(app, monkeypatch):
    version = factories.uploaded_exam()
    folder = exams.unpacked_folder(version)
    assert (folder / "index.html").is_file() and folder.name == version.package.sha256
    monkeypatch.setattr(storage, "read_bytes", lambda stored: pytest.fail("read the package again"))
    assert exams.unpacked_folder(version) == folder


def test_replacing_an_exam_moves_unfinished_attempts_only_when_asked(app):
    from lti_app.services import attempts

    consumer = factories.consumer()
    old = factories.uploaded_exam()
    resource = factories.exam_resource(consumer, old)
    open_one = attempts.start(resource, factories.learner(consumer, "s1"))
    finished = attempts.start(resource, factories.learner(consumer, "s2"))
    finished.status = "finished"
    new = factories.uploaded_exam(data=quiz12_zip(), exam=old.exam)
    assert exams.replace_version(resource, new) == 0
    assert open_one.exam_version_id == old.id
    assert attempts.start(resource, factories.learner(consumer, "s3")).exam_version_id == new.id
    assert exams.replace_version(resource, new, move_unfinished=True) == 1
    app.extensions["sqlalchemy"].session.expire_all()
    assert open_one.exam_version_id == new.id and finished.exam_version_id == old.id
