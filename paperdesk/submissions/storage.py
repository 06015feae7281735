"""Content-addressed, durable file storage for uploads.

A blob's name is its SHA-256, so a version can never be overwritten and identical bytes
are stored once. On disk every write goes to a temporary file in the target directory,
is fsync'ed, renamed into place and the directory fsync'ed: a crash at any moment leaves
either no file or the whole file, never a torn one.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from typing import IO

from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage

CHUNK = 1024 * 1024


class DurableFileSystemStorage(FileSystemStorage):
    def _save(self, name: str, content) -> str:
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, exist_ok=True)
        if os.path.exists(full_path):
            return name  # content-addressed: same name, same bytes
        fd, temp_path = tempfile.mkstemp(prefix=".incoming-", dir=directory)
        try:
            with os.fdopen(fd, "wb") as out:
                if hasattr(content, "seek"):
                    content.seek(0)
                for chunk in content.chunks(CHUNK) if hasattr(content, "chunks") else iter(lambda: content.read(CHUNK), b""):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temp_path, 0o640)
            os.replace(temp_path, full_path)
            dir_fd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except BaseException:
            if os.path.exists(temp_path):
                os.unlink(temp_path)
            raise
        return name

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return name


@dataclass(frozen=True)
class StoredBlob:
    name: str
    sha256: str
    size: int


def blob_name(sha256: str) -> str:
    return f"blobs/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def sha256_of(stream: IO[bytes]) -> tuple[str, int]:
    stream.seek(0)
    digest = hashlib.sha256()
    size = 0
    for chunk in iter(lambda: stream.read(CHUNK), b""):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return digest.hexdigest(), size


def store_blob(stream: IO[bytes], storage=None) -> StoredBlob:
    """Store bytes durably under their hash; returns only after they are on disk.

    The key is the content's hash, so an existing key already holds these very bytes: it is
    reused, never renamed. Two uploads of the same file at the same moment may both write
    it (same key, same bytes: harmless; settings.py gives S3 `file_overwrite=True`). A
    backend that renames anyway (django-storages' default, any `get_available_name` that
    dodges an existing name) has its renamed copy removed, so nothing is left orphaned."""
    storage = storage or default_storage
    digest, size = sha256_of(stream)
    name = blob_name(digest)
    if not storage.exists(name):
        stored = storage.save(name, File(stream, name=digest))
        if stored != name:
            # Another upload of the same bytes stored `name` between our look and our save.
            storage.delete(stored)
            if not storage.exists(name):
                raise RuntimeError(f"storage saved {name} as {stored} and has no {name}")
    return StoredBlob(name=name, sha256=digest, size=size)


def open_blob(name: str, storage=None):
    return (storage or default_storage).open(name, "rb")
