"""The browser code in static/vendor/ is committed (a PaaS build runs no npm) and is what package-lock.json pins.

npm checks each package tarball against the lock's integrity hash when it installs it, but the lock has
no per-file hash. So `make vendor` records each copied file's package, version and SHA-256 in
static/vendor/vendor.json: these tests check the copies against that manifest and the manifest against
the lock, and, where node_modules holds the locked version (installed by `npm ci`), the copies
byte for byte against it (tools/npm/node_modules).
"""
import json

import pytest

from tools.vendor import MANIFEST, NODE_MODULES, VENDOR, VENDORED, installed_version, locked_versions, sha256

ENTRIES = json.loads(MANIFEST.read_text())


def test_every_served_file_is_in_the_manifest():
    served = {path.name for path in VENDOR.iterdir()} - {MANIFEST.name}
    assert served == set(ENTRIES) == set(VENDORED)


@pytest.mark.parametrize("name", sorted(VENDORED))
def test_manifest_names_the_locked_package(name):
    package, path = VENDORED[name]
    assert (ENTRIES[name]["package"], ENTRIES[name]["path"]) == (package, path)
    assert ENTRIES[name]["version"] == locked_versions()[package], "tools/npm/package-lock.json changed: run `make vendor`"


@pytest.mark.parametrize("name", sorted(VENDORED))
def test_committed_copy_is_the_one_recorded(name):
    assert sha256(VENDOR / name) == ENTRIES[name]["sha256"], f"static/vendor/{name} was edited by hand"


@pytest.mark.parametrize("name", sorted(VENDORED))
def test_committed_copy_is_the_locked_package_file(name):
    package, path = VENDORED[name]
    if installed_version(package) != locked_versions()[package]:
        pytest.skip(f"tools/npm/node_modules does not hold {package} as locked (run `make vendor`)")
    assert (VENDOR / name).read_bytes() == (NODE_MODULES / package / path).read_bytes()
