"""File operations that stay safe when jobs are killed or run side by side.

- :func:`write_atomic` and :func:`replacing`: a file appears whole or not at all (a unique
  temporary file in the same directory, then ``os.replace``), so concurrent writers never clash
  and a reader never sees half a file;
- :func:`staging`: a hidden temporary directory inside a run directory where a run's files are
  written before they are moved into place (removed if writing fails);
- :func:`exclusive_lock`: an advisory lock on a file (``fcntl.flock``), released by the kernel
  when its holder exits, even when killed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux or macOS: no locking (documented in the README)
    fcntl = None  # type: ignore[assignment]

STAGING_PREFIX = ".staging-"
"""Name prefix of a run's staging directory (left behind only by a killed process)."""


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` so that the file is replaced whole or not at all.

    Parameters
    ----------
    path
        The file to (re)write; its directory must exist.
    text
        The new content.
    """
    with replacing(path) as tmp, open(tmp, "w") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


@contextlib.contextmanager
def replacing(path: str | Path) -> Iterator[Path]:
    """A unique temporary path beside ``path`` to write to; it replaces ``path`` when the block
    ends without an error and is removed otherwise."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; give it a plain file's mode
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def check_writable(directory: str | Path) -> None:
    """Raise OSError unless ``directory`` could be created and written: its nearest existing
    ancestor must be a directory this process may write into (a read-only file system counts,
    also for root). Nothing is created."""
    path = Path(directory).absolute()
    existing = next(p for p in (path, *path.parents) if p.exists())
    if not existing.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(existing))
    if not os.access(existing, os.W_OK | os.X_OK):
        code = errno.EROFS if _read_only(existing) else errno.EACCES
        raise OSError(code, os.strerror(code), str(existing))


def _read_only(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def staging(parent: str | Path) -> Iterator[Path]:
    """A fresh hidden directory inside ``parent``; removed with its content if the block raises."""
    tmp = Path(tempfile.mkdtemp(dir=parent, prefix=STAGING_PREFIX))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def publish(staged: Path, target: Path) -> None:
    """Move every entry of a staging directory into ``target`` (each move atomic), then remove it."""
    for entry in sorted(staged.iterdir()):
        os.replace(entry, target / entry.name)
    staged.rmdir()


@contextlib.contextmanager
def exclusive_lock(path: str | Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``path`` (created if needed) for the block.

    Parameters
    ----------
    path
        The lock file.
    on_wait
        Called once if another process holds the lock, before waiting for it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        if fcntl is not None:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait is not None:
                    on_wait()
                fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(fh, fcntl.LOCK_UN)
