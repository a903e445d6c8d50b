import io
import os
import zipfile

import pytest

from lti_app.scorm.errors import PackageError
from lti_app.scorm.package import content_type_for, inspect_package, unpack_package, zip_folder
from tests.packages.build import MINIMAL_FILES, MINIMAL_MANIFEST, zip_files

LIMITS = {"max_unpacked_bytes": 100_000, "max_files": 20}
MANIFEST, GOOD, make_zip = MINIMAL_MANIFEST, MINIMAL_FILES, zip_files


def refusal(data, **limits):
    with pytest.raises(PackageError) as error:
        inspect_package(data, **{**LIMITS, **limits})
    return error.value.message


def test_a_good_package():
    data = make_zip(GOOD)
    package = inspect_package(data, **LIMITS)
    assert package.manifest.launch_path == "index.html"
    assert package.size == len(data)
    assert len(package.sha256) == 64
    assert package.file_count == 3
    assert package.unpacked_bytes == sum(len(content) for content in GOOD.values())


def test_empty_upload():
    assert "No file was uploaded" in refusal(b"")


def test_not_a_zip():
    assert "not a zip archive" in refusal(b"%PDF-1.4 not a zip")


def test_truncated_zip():
    assert "damaged" in refusal(make_zip(GOOD)[:-30])


def test_crc_error():
    data = bytearray(make_zip({**GOOD, "data.txt": b"A" * 100}))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo("data.txt")
    data[info.header_offset + 30 + len(info.filename) + 2] ^= 0xFF  # a byte of the compressed data
    assert "damaged" in refusal(bytes(data))


def test_too_many_files():
    files = {**GOOD, **{f"f{n}.txt": b"" for n in range(20)}}
    assert "the limit is 20" in refusal(make_zip(files))


def test_too_large_unpacked():
    assert "more than 0.1 MB, the limit" in refusal(make_zip({**GOOD, "big.bin": b"\0" * 100_001}))


def test_declared_sizes_that_lie_are_caught_while_reading():
    data = bytearray(make_zip({**GOOD, "big.bin": b"\0" * 50_000}))
    declared = (50).to_bytes(4, "little")
    start = data.rindex(b"PK\x01\x02", 0, data.rindex(b"big.bin"))  # central directory entry of big.bin
    data[start + 24:start + 28] = declared
    assert "damaged" in refusal(bytes(data), max_unpacked_bytes=1_000)


@pytest.mark.parametrize("name", ["../evil.html", "a/../../evil.html", "/etc/evil", "C:/evil.html", "..\\..\\evil.html"])
def test_paths_escaping_the_package(name):
    assert "outside its folder" in refusal(make_zip({**GOOD, name: b"x"}))


def test_symlink():
    assert "symbolic link" in refusal(make_zip(GOOD, symlinks=["link.html"]))


def test_manifest_in_a_sub_folder():
    files = {f"quiz/{name}": content for name, content in GOOD.items()}
    assert "there is one in 'quiz/'" in refusal(make_zip(files))


def test_no_manifest():
    assert "no imsmanifest.xml" in refusal(make_zip({"index.html": b""}))


def test_manifest_in_the_wrong_case():
    assert "lower case" in refusal(make_zip({"IMSManifest.xml": MANIFEST, "index.html": b""}))


def test_missing_launch_file():
    files = {name: content for name, content in GOOD.items() if name != "index.html"}
    assert "launches 'index.html', which is not in the package" in refusal(make_zip(files))


def test_unpack_package(tmp_path):
    dest = unpack_package(make_zip({**GOOD, "dir\\file.txt": b"windows"}), tmp_path / "abc", **LIMITS)
    assert (dest / "index.html").read_bytes() == b"<html></html>"
    assert (dest / "dir" / "file.txt").read_bytes() == b"windows"
    assert [p.name for p in tmp_path.iterdir()] == ["abc"]


def test_unpack_refuses_and_leaves_nothing(tmp_path):
    with pytest.raises(PackageError):
        unpack_package(make_zip({**GOOD, "../evil": b"x"}), tmp_path / "abc", **LIMITS)
    assert list(tmp_path.iterdir()) == []


def test_unpack_when_another_process_got_there_first(tmp_path):
    dest = tmp_path / "abc"
    dest.mkdir()
    (dest / "index.html").write_text("theirs")
    assert unpack_package(make_zip(GOOD), dest, **LIMITS) == dest
    assert (dest / "index.html").read_text() == "theirs"


def test_zip_folder_is_deterministic(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("z")
    (tmp_path / "a.txt").write_text("a")
    data = zip_folder(tmp_path)
    (tmp_path / "a.txt").touch()
    assert zip_folder(tmp_path) == data
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == ["a.txt", "b/z.txt"]


@pytest.mark.parametrize(
    "path, content_type",
    [
        ("index.html", "text/html"),
        ("scripts/Quiz.JS", "text/javascript"),
        ("style.css", "text/css"),
        ("data.json", "application/json"),
        ("logo.svg", "image/svg+xml"),
        ("fonts/a.woff", "font/woff"),
        ("fonts/a.woff2", "font/woff2"),
        ("a.png", "image/png"),
        ("a.jpg", "image/jpeg"),
        ("a.gif", "image/gif"),
        ("a.mp4", "video/mp4"),
        ("a.mp3", "audio/mpeg"),
        ("imsmanifest.xml", "application/xml"),
        ("adlcp_v1p3.xsd", "application/xml"),
        ("notes.pdf", "application/pdf"),
        ("no-extension", "application/octet-stream"),
    ],
)
def test_content_type_for(path, content_type):
    assert content_type_for(path) == content_type


def test_unpack_losing_the_race_keeps_the_winners_copy(tmp_path, monkeypatch):
    dest = tmp_path / "abc"
    real_rename = os.rename

    def rename_after_another_process(source, target):
        dest.mkdir()
        (dest / "index.html").write_text("theirs")
        real_rename(source, target)

    monkeypatch.setattr(os, "rename", rename_after_another_process)
    assert unpack_package(make_zip(GOOD), dest, **LIMITS) == dest
    assert (dest / "index.html").read_text() == "theirs"
    assert [p.name for p in tmp_path.iterdir()] == ["abc"]
