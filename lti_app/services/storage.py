"""Files kept in the database, addressed by SHA-256 and stored in chunks.

Every process reads the same rows, so several web processes need no shared disk; the same bytes
are stored once. Packages and report files both live here.
"""
import hashlib
import io
import tempfile
from collections.abc import Iterator
from typing import BinaryIO

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import StoredChunk, StoredFile

CHUNK_BYTES = 1 << 20
SPOOL_BYTES = 8 << 20


def store_stream(fileobj: BinaryIO) -> StoredFile:
    """Store what `fileobj` holds and return its row (an existing one when the bytes are known).

    The stream is hashed into a spooled temporary file first, so the address is known before
    anything is written and no more than one chunk is held in memory at a time. The caller commits.
    """
    digest = hashlib.sha256()
    size = 0
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        while chunk := fileobj.read(CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
            spool.write(chunk)
        existing = find(digest.hexdigest())
        if existing is not None:
            return existing
        spool.seek(0)
        return _insert(digest.hexdigest(), size, spool)


def store_bytes(data: bytes) -> StoredFile:
    return store_stream(io.BytesIO(data))


def find(sha256: str) -> StoredFile | None:
    return StoredFile.query.filter_by(sha256=sha256).one_or_none()


def iter_chunks(stored: StoredFile) -> Iterator[bytes]:
    """The file's bytes, one chunk (one query) at a time."""
    number = 0
    while True:
        data = db.session.execute(
            select(StoredChunk.data).where(StoredChunk.file_id == stored.id, StoredChunk.number == number)
        ).scalar_one_or_none()
        if data is None:
            return
        yield bytes(data)
        number += 1


def read_bytes(stored: StoredFile) -> bytes:
    return b"".join(iter_chunks(stored))


def delete_files(file_ids) -> None:
    """Delete these files and their chunks; the caller knows nothing points to them, and commits."""
    db.session.execute(delete(StoredChunk).where(StoredChunk.file_id.in_(file_ids)))
    db.session.execute(delete(StoredFile).where(StoredFile.id.in_(file_ids)))


def _insert(sha256: str, size: int, source: BinaryIO) -> StoredFile:
    try:
        with db.session.begin_nested():
            stored = StoredFile(sha256=sha256, size=size)
            db.session.add(stored)
            db.session.flush()
            number = 0
            while chunk := source.read(CHUNK_BYTES):
                row = StoredChunk(file_id=stored.id, number=number, data=chunk)
                db.session.add(row)
                db.session.flush()
                db.session.expunge(row)  # keep one chunk in memory at a time
                number += 1
        return stored
    except IntegrityError:
        # Another upload of the same bytes won the race: use its row.
        return find(sha256)
