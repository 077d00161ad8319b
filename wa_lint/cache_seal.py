"""Cache entries only this user's runs wrote, read back without running anything.

The cache directory sits in the working tree, which a pull request controls: it can commit a
``.wa-lint-cache/`` of its own. So an entry is sealed with an HMAC whose key lives outside the
tree, in the user's cache home (``$XDG_CACHE_HOME/wa-lint/entry-key``, else
``~/.cache/wa-lint/entry-key``, created on first use, mode 600): an entry a run of this user did
not write fails the check and is a miss, before any of it is unpickled. And what is unpickled may
only build the few result types the cache stores (:data:`ALLOWED`), never call a function, so even
a sealed entry cannot run code. Without a key (a home that cannot be written), nothing is cached.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import os
import pickle
from functools import lru_cache
from pathlib import Path
from typing import Any

KEY_BYTES = 32
MAC_BYTES = hashlib.sha256().digest_size

#: The classes cache entries are made of (results, the link index, the rules manifest's plain data).
ALLOWED = frozenset({
    ("pathlib", "PosixPath"), ("pathlib", "PurePosixPath"), ("pathlib", "WindowsPath"), ("pathlib", "PureWindowsPath"),
    ("wa_lint.discover", "Source"),
    ("wa_lint.finding", "Finding"), ("wa_lint.finding", "Related"), ("wa_lint.finding", "Severity"),
    ("wa_lint.finding", "Pillar"),
    ("wa_lint.link.deploy", "Deployment"),
    ("wa_lint.link.index", "LinkIndex"), ("wa_lint.link.index", "LinkRecord"), ("wa_lint.link.index", "StackLinks"),
    ("wa_lint.link.index", "Target"),
    ("wa_lint.model", "Line"), ("wa_lint.model", "Mark"),
    ("wa_lint.results", "FileResult"), ("wa_lint.results", "InForce"), ("wa_lint.results", "Suppressed"),
})


def key_path() -> Path:
    """Where this user's key is kept: outside any working tree."""
    home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(home) / "wa-lint" / "entry-key"


@lru_cache(maxsize=4)
def _key(path: Path) -> bytes | None:
    with contextlib.suppress(OSError):
        data = path.read_bytes()
        if len(data) == KEY_BYTES:
            return data
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(os.urandom(KEY_BYTES))
    except FileExistsError:  # another run made it first: use theirs
        pass
    except OSError:
        return None
    with contextlib.suppress(OSError):
        data = path.read_bytes()
        if len(data) == KEY_BYTES:
            return data
    return None


def key() -> bytes | None:
    """This user's key, made on first use; None when it can be neither read nor made."""
    return _key(key_path())


def seal(header: bytes, payload: bytes) -> bytes | None:
    """``header`` + MAC + ``payload``; None without a key (then nothing is stored)."""
    secret = key()
    if secret is None:
        return None
    return header + hmac.new(secret, header + payload, hashlib.sha256).digest() + payload


def unseal(header: bytes, data: bytes) -> bytes | None:
    """The payload of an entry this user's runs sealed under ``header``; None for anything else."""
    secret = key()
    if secret is None or not data.startswith(header) or len(data) < len(header) + MAC_BYTES:
        return None
    mac, payload = data[len(header):len(header) + MAC_BYTES], data[len(header) + MAC_BYTES:]
    if not hmac.compare_digest(mac, hmac.new(secret, header + payload, hashlib.sha256).digest()):
        return None
    return payload


class _Unpickler(pickle.Unpickler):
    """Builds the allowed classes and the built-in containers; any other global is refused."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"cache entry names {module}.{name}, which entries never hold")


def loads(data: bytes) -> Any:
    return _Unpickler(io.BytesIO(data)).load()
