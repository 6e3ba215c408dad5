"""A disk cache that holds data only, and trusts nothing it reads back.

Files are JSON (never pickle: reading a cache must not be able to run code). Each file names its
kind and format version, the SHA-256 of the input it was made from and of the code (this package
and the versions of the libraries that shape results), and an HMAC-SHA-256 of all that and its
payload, keyed by a secret kept outside the cache folder (:func:`key_path`). So a truncated,
bit-flipped or edited file, one made from another input or by other code, or one forged by
someone who can write the cache folder but cannot read the key (a CI cache restored from another
branch) is a miss. The key is created ``0600`` on first use; a key inside the cache folder, or
one other users can read or write, is not used, and then nothing is cached.
The folder is created ``0700``; a folder that other users can write to, or that belongs to
someone else, is not used at all. Writes are atomic (temporary file, then rename) and a failed
write leaves nothing behind. Every failure is a miss: the caller recomputes and rewrites.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import stat
import sys
import tempfile
import time
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

FORMAT = 3
_PARTIAL_SUFFIX = ".partial"
_STALE_PARTIAL_SECONDS = 3600
_PACKAGE = Path(__file__).resolve().parents[1]  # the whole medcite package, every subpackage
# Libraries whose version can change what is cached: segmenter, hyphenation, BibTeX parsing and formatting, YAML,
# Markdown and its extensions (what a page holds), Unicode data (the Python version), and the pretrained
# embeddings of the meaning claim classifier.
_LIBRARIES = ("syntok", "pyphen", "pybtex", "latexcodec", "pyyaml", "markdown", "pymdown-extensions", "wordllama",
              "tokenizers")
_KEY_BYTES = 32


@lru_cache(maxsize=1)
def code_digest() -> str:
    """SHA-256 of every file of the package (code, model data) and of the libraries that shape results:
    any change to either makes every cached result a miss, without anyone remembering to bump a number."""
    digest = hashlib.sha256()
    for path in sorted(p for p in _PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for library in _LIBRARIES:
        try:
            digest.update(f"{library}={metadata.version(library)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library}=none\0".encode())
    digest.update(f"python={sys.version}\0".encode())
    return digest.hexdigest()


def cache_dir() -> Path:
    configured = os.environ.get("MEDCITE_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "medcite"


def key_path() -> Path:
    """Where the cache key lives: ``MEDCITE_CACHE_KEY_FILE``, else the user's config folder."""
    configured = os.environ.get("MEDCITE_CACHE_KEY_FILE")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "medcite" / "cache-key"


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _key() -> bytes | None:
    """The secret that signs cache files, created on first use; None (cache nothing) if it is
    in the cache folder, not private, or cannot be made."""
    path, cache = key_path(), cache_dir()
    for resolve in (os.path.abspath, os.path.realpath):
        if _inside(resolve(path), resolve(cache)):
            return None
    return _load_key(str(path))


@lru_cache(maxsize=4)
def _load_key(location: str) -> bytes | None:
    path = Path(location)
    try:
        if not _private_dir(path.parent, create=True):
            return None
        if not path.exists():
            fd, partial = tempfile.mkstemp(dir=path.parent, prefix=".cache-key.", suffix=_PARTIAL_SUFFIX)
            try:
                with os.fdopen(fd, "w", encoding="ascii") as handle:
                    handle.write(secrets.token_hex(_KEY_BYTES))
                with contextlib.suppress(FileExistsError):  # another run made it first: use theirs
                    os.link(partial, path)
            finally:
                os.unlink(partial)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if (not stat.S_ISREG(info.st_mode) or info.st_mode & 0o077
                    or (hasattr(os, "getuid") and info.st_uid != os.getuid())):
                return None
            key = bytes.fromhex(handle.read(4 * _KEY_BYTES).decode("ascii").strip())
        return key if len(key) == _KEY_BYTES else None
    except (OSError, ValueError):
        return None


def _mac(key: bytes, kind: str, source_digest: str, payload: Any) -> str:
    header = _canonical([FORMAT, kind, source_digest, code_digest()])
    return hmac.new(key, (header + "\0" + _canonical(payload)).encode("utf-8"), hashlib.sha256).hexdigest()


def digest_of(payload: Any) -> str:
    """SHA-256 of the canonical JSON form of ``payload``."""
    return hashlib.sha256(_canonical(payload).encode("utf-8")).hexdigest()


def _canonical(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _private_dir(folder: Path, create: bool) -> bool:
    """True if ``folder`` is a real directory owned by us that no one else can write to."""
    try:
        if create:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return False
    return not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def read(path: Path, kind: str, source_digest: str, max_bytes: int) -> Any | None:
    """The payload stored at ``path`` for this kind and input, or None (a miss) for anything else."""
    try:
        return _read(path, kind, source_digest, max_bytes)
    except Exception:  # a cache is never a reason to fail: any problem at all is a miss
        return None


def _read(path: Path, kind: str, source_digest: str, max_bytes: int) -> Any | None:
    if not _private_dir(path.parent, create=False):
        return None
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
            return None
        # Never more than the limit, even if the file grows meanwhile; read(n) reserves n bytes first,
        # so ask for the size seen (plus one, to notice growth), not for the limit.
        data = handle.read(info.st_size + 1)
    if len(data) > info.st_size:  # it grew while being read: another run is writing it
        return None
    document = json.loads(data.decode("utf-8"))
    if not isinstance(document, dict):
        return None
    if (document.get("format") != FORMAT or document.get("kind") != kind
            or document.get("source_sha256") != source_digest or document.get("code_sha256") != code_digest()
            or "payload" not in document or not isinstance(document.get("payload_hmac"), str)):
        return None
    key = _key()
    payload = document["payload"]
    if key is None or not hmac.compare_digest(document["payload_hmac"], _mac(key, kind, source_digest, payload)):
        return None
    return payload


def write(path: Path, kind: str, source_digest: str, payload: Any, keep: int = 8) -> None:
    """Best effort: an unwritable cache only costs the next run the work again."""
    folder = path.parent
    if not _private_dir(folder, create=True):
        return
    key = _key()
    if key is None:
        return
    _prune(folder, path.name.split("-", 1)[0] + "-", path.suffix, keep)
    try:
        mac = _mac(key, kind, source_digest, payload)
    except (ValueError, TypeError, RecursionError):
        return
    document = {"format": FORMAT, "kind": kind, "source_sha256": source_digest, "code_sha256": code_digest(),
                "payload_hmac": mac, "payload": payload}
    partial = ""
    try:
        fd, partial = tempfile.mkstemp(dir=folder, prefix=path.stem + ".", suffix=_PARTIAL_SUFFIX)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(_canonical(document))
        os.replace(partial, path)
        partial = ""
    except (OSError, ValueError, TypeError, RecursionError):
        pass
    finally:
        if partial:
            with contextlib.suppress(OSError):
                os.unlink(partial)


def _prune(folder: Path, prefix: str, suffix: str, keep: int) -> None:
    """Keep the newest ``keep - 1`` files of this kind; remove partial files a crashed run left."""
    now = time.time()
    with contextlib.suppress(OSError):
        entries = [(entry, entry.stat(follow_symlinks=False)) for entry in os.scandir(folder)]
        for entry, info in entries:
            if entry.name.endswith(_PARTIAL_SUFFIX) and now - info.st_mtime > _STALE_PARTIAL_SECONDS:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
        mine = sorted((info.st_mtime, entry.path) for entry, info in entries
                      if entry.name.startswith(prefix) and entry.name.endswith(suffix))
        for _, stale in mine[:-(keep - 1)] if len(mine) >= keep else []:
            with contextlib.suppress(OSError):
                os.unlink(stale)
