"""Check an uploaded SCORM zip, unpack it safely, and build zips from folders.

Checks run cheapest first, on the zip's directory, before anything is inflated: a zip bomb is
refused on its declared sizes without being decompressed. Every entry is then read in full, with
the byte count checked as it grows, which also catches CRC errors and sizes that lie.
"""

import hashlib
import io
import mimetypes
import os
import posixpath
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from .errors import PackageError
from .manifest import Manifest, parse_manifest

MANIFEST = "imsmanifest.xml"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
CHUNK_BYTES = 1 << 20
# Broken or exotic zips surface as any of these from zipfile, zlib, bz2 or lzma.
ZIP_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError, OSError)
# mimetypes' answers vary with the host's /etc/mime.types; these must not.
CONTENT_TYPES = {
    ".html": "text/html", ".htm": "text/html", ".js": "text/javascript", ".mjs": "text/javascript",
    ".css": "text/css", ".json": "application/json", ".svg": "image/svg+xml", ".woff": "font/woff",
    ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf", ".png": "image/png",
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
    ".ico": "image/vnd.microsoft.icon", ".mp4": "video/mp4", ".webm": "video/webm",
    ".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".wav": "audio/wav", ".xml": "application/xml",
    ".xsd": "application/xml", ".pdf": "application/pdf", ".txt": "text/plain",
    ".wasm": "application/wasm", ".map": "application/json",
}


@dataclass(frozen=True)
class InspectedPackage:
    sha256: str
    size: int
    manifest: Manifest
    file_count: int
    unpacked_bytes: int


def inspect_package(data: bytes, *, max_unpacked_bytes: int, max_files: int) -> InspectedPackage:
    return _check(data, max_unpacked_bytes, max_files, out_dir=None)


def unpack_package(data: bytes, dest_dir: str | os.PathLike, *, max_unpacked_bytes: int, max_files: int) -> Path:
    """Extract a package to dest_dir, checked as on upload; a no-op when dest_dir already exists.

    Extraction goes to a temporary folder beside dest_dir, renamed into place at the end, so a
    process never sees half a package and two processes unpacking the same one do not collide.
    """
    dest = Path(dest_dir)
    if dest.is_dir():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        _check(data, max_unpacked_bytes, max_files, out_dir=staging)
        os.rename(staging, dest)
    except OSError:
        if not dest.is_dir():
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return dest


def zip_folder(path: str | os.PathLike) -> bytes:
    """Zip a folder's files deterministically: same files and contents, same bytes."""
    root = Path(path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(p for p in root.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(file.relative_to(root).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(info, file.read_bytes())
    return buffer.getvalue()


def content_type_for(path: str) -> str:
    suffix = posixpath.splitext(path.lower())[1]
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"


def _check(data: bytes, max_unpacked_bytes: int, max_files: int, out_dir: Path | None) -> InspectedPackage:
    if not data:
        raise PackageError("No file was uploaded, or the file is empty.")
    if not data.startswith(ZIP_MAGIC):
        raise PackageError("This file is not a zip archive. A SCORM package is a .zip file with imsmanifest.xml at its root.")
    archive = _open_zip(data)
    entries = archive.infolist()
    _check_limits(entries, max_unpacked_bytes, max_files)
    files = _check_paths(entries)
    unpacked_bytes = _read_all(archive, files, max_unpacked_bytes, out_dir)
    manifest = _read_manifest(archive, files)
    if manifest.launch_path not in files:
        raise PackageError(f"The manifest launches '{manifest.launch_path}', which is not in the package.")
    return InspectedPackage(
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        manifest=manifest,
        file_count=len(files),
        unpacked_bytes=unpacked_bytes,
    )


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except ZIP_READ_ERRORS:
        raise PackageError("The zip file is damaged (perhaps cut short by the upload); zip the package again.") from None


def _check_limits(entries: list[zipfile.ZipInfo], max_unpacked_bytes: int, max_files: int) -> None:
    if len(entries) > max_files:
        raise PackageError(f"The package has {len(entries)} files and folders; the limit is {max_files}.")
    if sum(entry.file_size for entry in entries) > max_unpacked_bytes:
        raise PackageError(_too_large(max_unpacked_bytes))


def _too_large(max_unpacked_bytes: int) -> str:
    return f"The package unpacks to more than {max_unpacked_bytes / 1e6:g} MB, the limit."


def _check_paths(entries: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
    """Return the package's files by normalized path, refusing any that would land outside it."""
    files = {}
    for entry in entries:
        path = _safe_path(entry.filename)
        if stat.S_ISLNK(entry.external_attr >> 16):
            raise PackageError(f"The package contains a symbolic link, '{entry.filename}', which Examgate refuses.")
        if entry.flag_bits & 0x1:
            raise PackageError(f"'{entry.filename}' is password-protected; upload a package without a password.")
        if not entry.is_dir() and path:
            files[path] = entry
    return files


def _safe_path(name: str) -> str:
    path = name.replace("\\", "/")
    escapes = (
        "\0" in path
        or path.startswith("/")
        or re.match(r"^[a-zA-Z]:", path)
        or posixpath.normpath(path).split("/")[0] == ".."
    )
    if escapes:
        raise PackageError(f"The package contains a file outside its folder, '{name}', which Examgate refuses.")
    normalized = posixpath.normpath(path)
    return "" if normalized == "." else normalized


def _read_all(archive: zipfile.ZipFile, files: dict[str, zipfile.ZipInfo], max_unpacked_bytes: int, out_dir: Path | None) -> int:
    total = 0
    for path, entry in files.items():
        target = out_dir / path if out_dir else Path(os.devnull)
        target.parent.mkdir(parents=True, exist_ok=True)
        with _open_entry(archive, entry) as source, open(target, "wb") as sink:
            while chunk := _read_chunk(source, entry):
                total += len(chunk)
                if total > max_unpacked_bytes:
                    raise PackageError(_too_large(max_unpacked_bytes))
                sink.write(chunk)
    return total


def _open_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo):
    try:
        return archive.open(entry)
    except ZIP_READ_ERRORS:
        raise PackageError(_damaged(entry)) from None


def _read_chunk(source, entry: zipfile.ZipInfo) -> bytes:
    try:
        return source.read(CHUNK_BYTES)
    except ZIP_READ_ERRORS:
        raise PackageError(_damaged(entry)) from None


def _damaged(entry: zipfile.ZipInfo) -> str:
    return f"The zip file is damaged: '{entry.filename}' cannot be read back intact; zip the package again."


def _read_manifest(archive: zipfile.ZipFile, files: dict[str, zipfile.ZipInfo]) -> Manifest:
    if MANIFEST not in files:
        nested = sorted(path for path in files if posixpath.basename(path).lower() == MANIFEST)
        if nested and "/" not in nested[0]:
            raise PackageError(f"The manifest must be named '{MANIFEST}' in lower case, not '{nested[0]}'.")
        if nested:
            folder = posixpath.dirname(nested[0])
            raise PackageError(
                f"There is no {MANIFEST} at the root of the package, but there is one in '{folder}/'. "
                "Zip the contents of that folder, not the folder itself."
            )
        raise PackageError(f"This zip has no {MANIFEST}, so it is not a SCORM package.")
    return parse_manifest(archive.read(files[MANIFEST]))
