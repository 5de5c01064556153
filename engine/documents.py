"""Stored documents: files kept under the data folder by their SHA-256.

A name from a user never becomes a path, the same content is kept once, and a file
appears whole or not at all. Case documents, letters and mail attachments live here.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from pathlib import Path

from .errors import NotFound

_KEY = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{64}$")


class DocumentStore:
    """Content-addressed files in one folder."""

    def __init__(self, folder: Path):
        self.folder = folder

    def put(self, data: bytes) -> str:
        """Keep `data`; return its storage key (`ab/abcdef...`)."""
        digest = hashlib.sha256(data).hexdigest()
        key = f"{digest[:2]}/{digest}"
        target = self.folder / key
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            # Unique to this process and thread, so parallel writers never share a part file.
            partial = target.with_suffix(f".{os.getpid()}-{threading.get_ident()}.part")
            partial.write_bytes(data)
            partial.replace(target)  # appears whole or not at all
        return key

    def read(self, key: str) -> bytes:
        """The content kept under `key`."""
        if not _KEY.match(key):
            raise NotFound(f"no stored document {key!r}")
        try:
            return (self.folder / key).read_bytes()
        except FileNotFoundError:
            raise NotFound(f"no stored document {key!r}") from None
