"""Copy the browser code Examgate serves from node_modules/ to static/vendor/, and record what was copied.

`make vendor` runs `npm ci` in tools/npm/ (which checks each tarball against package-lock.json's integrity
hash), then this script. The copies are committed, so a PaaS build from the repository needs no npm; the
npm manifest lives in tools/npm/, not at the top, because platforms that pick a buildpack by its files
would take a package.json there for a Node.js app.
static/vendor/vendor.json records, for each file, the npm package and version it came from and its
SHA-256; tests/test_vendor.py checks the copies against it and against package-lock.json.
"""
import hashlib
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NPM = ROOT / "tools" / "npm"
NODE_MODULES = NPM / "node_modules"
LOCK = NPM / "package-lock.json"
VENDOR = ROOT / "static" / "vendor"
MANIFEST = VENDOR / "vendor.json"

# file served from static/vendor/ -> (npm package, path inside the package)
VENDORED = {
    "htmx.min.js": ("htmx.org", "dist/htmx.min.js"),
    "scorm2004.min.js": ("scorm-again", "dist/scorm2004.min.js"),
    "scorm12.min.js": ("scorm-again", "dist/scorm12.min.js"),
    "cross-frame-api.min.js": ("scorm-again", "dist/cross-frame-api.min.js"),
    "cross-frame-lms.min.js": ("scorm-again", "dist/cross-frame-lms.min.js"),
}


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def locked_versions(lock=LOCK):
    """{package: version} as package-lock.json pins them."""
    packages = json.loads(lock.read_text())["packages"]
    return {path.removeprefix("node_modules/"): entry["version"]
            for path, entry in packages.items() if path.startswith("node_modules/")}


def installed_version(package, node_modules=NODE_MODULES):
    """The version of `package` in node_modules, or None when it is not installed."""
    manifest = node_modules / package / "package.json"
    return json.loads(manifest.read_text())["version"] if manifest.exists() else None


def vendor(node_modules=NODE_MODULES, dest=VENDOR, lock=LOCK):
    """Copy every vendored file from node_modules and write the manifest; refuse a version the lock does not pin."""
    locked = locked_versions(lock)
    dest.mkdir(parents=True, exist_ok=True)
    manifest = {}
    for name, (package, path) in VENDORED.items():
        version = installed_version(package, node_modules)
        if version != locked.get(package):
            raise SystemExit(f"node_modules has {package} {version}, package-lock.json pins "
                             f"{locked.get(package)}: run `make vendor`")
        shutil.copyfile(node_modules / package / path, dest / name)
        manifest[name] = {"package": package, "version": version, "path": path, "sha256": sha256(dest / name)}
    (dest / MANIFEST.name).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


if __name__ == "__main__":
    for name, entry in vendor().items():
        print(f"static/vendor/{name}: {entry['package']} {entry['version']} {entry['path']}", file=sys.stdout)
