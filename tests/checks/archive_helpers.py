"""Archives built in the tests: a zip or tar.gz from {path: bytes}, hostile ones (bombs,
traversal, links, damage), a Git directory with a remote and authors, a notebook."""

from __future__ import annotations

import hashlib
import io
import json
import struct
import tarfile
import zipfile
import zlib
from pathlib import Path

COMMIT = (b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"
          b"author John Smith <jsmith@carrow.edu> 1700000000 +0100\n"
          b"committer John Smith <jsmith@carrow.edu> 1700000000 +0100\n\nFirst commit\n")
PACKED_COMMIT = (b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"
                 b"author Packed Person <packed@carrow.edu> 1700000000 +0100\n"
                 b"committer Packed Person <packed@carrow.edu> 1700000000 +0100\n\nPacked\n")


def make_zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2025, 8, 1, 12, 0, 0)), content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def make_targz(path: Path, files: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return path


def zip_bomb(path: Path, megabytes: int = 100) -> Path:
    """One member of zeros, written in pieces (the test never holds it in memory)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("data/zeros.bin", date_time=(2025, 8, 1, 12, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as sink:
            block = b"\0" * (1 << 20)
            for _ in range(megabytes):
                sink.write(block)
    return path


def targz_bomb(path: Path, megabytes: int = 100) -> Path:
    class Zeros(io.RawIOBase):
        def __init__(self, size):
            self.left = size

        def readable(self):
            return True

        def readinto(self, buffer):
            n = min(len(buffer), self.left)
            buffer[:n] = b"\0" * n
            self.left -= n
            return n

    with tarfile.open(path, "w:gz", compresslevel=1) as archive:
        info = tarfile.TarInfo("zeros.bin")
        info.size = megabytes << 20
        archive.addfile(info, io.BufferedReader(Zeros(info.size)))
    return path


def zip_with_symlink(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("code/run.py", b"print(1)\n")
        link = zipfile.ZipInfo("code/secrets")
        link.create_system = 3
        link.external_attr = (0o120777 << 16)
        archive.writestr(link, b"/home/jsmith/.ssh/id_rsa")
    return path


def targz_with_symlink(path: Path) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("code/secrets")
        info.type = tarfile.SYMTYPE
        info.linkname = "/etc/passwd"
        archive.addfile(info)
    return path


def pack_file(commits: list[bytes], blobs: list[bytes] = ()) -> bytes:
    """A Git pack (version 2) holding whole objects: `blobs` (type 3) first, then commits."""
    objects = [(3, blob) for blob in blobs] + [(1, commit) for commit in commits]
    body = b"PACK" + struct.pack(">II", 2, len(objects))
    for kind, commit in objects:
        size = len(commit)
        header = bytearray([(kind << 4) | (size & 0x0F) | (0x80 if size > 15 else 0)])
        size >>= 4
        while size:
            header.append((size & 0x7F) | (0x80 if size > 127 else 0))
            size >>= 7
        body += bytes(header) + zlib.compress(commit)
    return body + hashlib.sha1(body, usedforsecurity=False).digest()


def git_files(root: str = "repo/.git") -> dict[str, bytes]:
    loose = zlib.compress(b"commit %d\0" % len(COMMIT) + COMMIT)
    return {
        f"{root}/HEAD": b"ref: refs/heads/main\n",
        f"{root}/config": b'[core]\n\tbare = false\n[remote "origin"]\n\turl = git@github.com:jsmith-lab/secret-sae.git\n'
                          b'\tfetch = +refs/heads/*:refs/remotes/origin/*\n[user]\n\tname = John Smith\n\temail = jsmith@carrow.edu\n',
        f"{root}/logs/HEAD": b"0000000000000000000000000000000000000000 1111111111111111111111111111111111111111 "
                             b"John Smith <jsmith@carrow.edu> 1700000000 +0100\tcommit (initial): First commit\n",
        f"{root}/objects/ab/cdef0123456789abcdef0123456789abcdef01": loose,
        f"{root}/objects/pack/pack-1234.pack": pack_file([PACKED_COMMIT]),
    }


def notebook() -> bytes:
    return json.dumps({
        "cells": [
            {"cell_type": "code", "execution_count": 1, "metadata": {"executionInfo": {"status": "ok", "user": {"displayName": "Jane Quill", "userId": "0123"}}},
             "outputs": [{"name": "stdout", "output_type": "stream", "text": ["loading /home/jqdev/data/acts.pt\n"]}],
             "source": ["import torch\n"]},
            {"cell_type": "markdown", "metadata": {}, "source": ["# Probing\n"]},
        ],
        "metadata": {"authors": [{"name": "John Smith"}], "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                     "language_info": {"name": "python", "version": "3.11.4"}},
        "nbformat": 4, "nbformat_minor": 5,
    }, indent=1).encode()


PYPROJECT = b'[project]\nname = "sae-tools"\nauthors = [\n  {name = "John Smith", email = "jsmith@carrow.edu"},\n]\nversion = "0.1"\n'
PYPROJECT_ANON = b'[project]\nname = "sae-tools"\nauthors = [{name = "Anonymous Authors"}]\n'
