"""Real packages nobody on the team wrote (shared/scorm-samples), and our own quiz packages."""
import os
from pathlib import Path

import pytest

from lti_app.scorm.errors import PackageError
from lti_app.scorm.package import inspect_package
from tests.packages.build import quiz12_zip, quiz2004_zip

SAMPLES = Path(__file__).resolve().parents[2] / "../shared/scorm-samples"
LIMITS = {"max_unpacked_bytes": 50_000_000, "max_files": 1_000}


def inspect_sample(name, samples=SAMPLES):
    path = samples / name
    if not path.exists():
        missing = f"{path} is missing: CI keeps shared/ beside the checkout"
        if os.environ.get("CI"):
            pytest.fail(missing)  # in CI these tests must run
        pytest.skip(missing)
    return inspect_package(path.read_bytes(), **LIMITS)


@pytest.mark.parametrize("ci, outcome", [("true", pytest.fail.Exception), (None, pytest.skip.Exception)])
def test_a_missing_sample_fails_in_ci_and_is_skipped_elsewhere(monkeypatch, tmp_path, ci, outcome):
    if ci:
        monkeypatch.setenv("CI", ci)
    else:
        monkeypatch.delenv("CI", raising=False)
    try:
        inspect_sample("singlescobasic.zip", samples=tmp_path)
    except (pytest.fail.Exception, pytest.skip.Exception) as raised:
        assert type(raised) is outcome and "is missing" in str(raised)
    else:
        pytest.fail("a missing sample was neither skipped nor failed")


def test_scorm_2004_golf_sample():
    manifest = inspect_sample("RuntimeBasicCalls_SCORM20043rdEdition.zip").manifest
    assert (manifest.scorm_version, manifest.launch_path, manifest.notes) == ("2004", "shared/launchpage.html", ())


def test_scorm_12_golf_sample():
    manifest = inspect_sample("singlescobasic.zip").manifest
    assert (manifest.scorm_version, manifest.launch_path, manifest.notes) == ("1.2", "shared/launchpage.html", ())


def test_several_scos_launch_the_first_and_say_so():
    manifest = inspect_sample("RuntimeMinimumCalls_SCORM12-mini.zip").manifest
    assert manifest.launch_path == "Playing/Playing.html"
    assert manifest.notes == ("This package has 9 SCOs; Examgate launches the first, 'How to Play'.",)


def test_missing_organization_launches_the_only_resource():
    manifest = inspect_sample("singlescobasic_missingorg.zip").manifest
    assert manifest.launch_path == "sso/launchpage.html"
    assert "no organization" in manifest.notes[0]


@pytest.mark.parametrize(
    "name, message",
    [
        ("badscorm.zip", "no imsmanifest.xml at the root of the package, but there is one in 'badscorm/'"),
        ("invalid.zip", "no imsmanifest.xml"),
    ],
)
def test_refused_samples(name, message):
    with pytest.raises(PackageError, match=message):
        inspect_sample(name)


@pytest.mark.parametrize("build, version", [(quiz2004_zip, "2004"), (quiz12_zip, "1.2")])
def test_quiz_packages(build, version):
    package = inspect_package(build(), **LIMITS)
    assert (package.manifest.scorm_version, package.manifest.launch_path) == (version, "index.html")
    assert package.file_count == 5
    assert build() == build()
