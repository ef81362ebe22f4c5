"""Real full and read-only file systems for the store's failure tests: a small tmpfs the
test mounts (root only: anyone else skips, saying so, except under CI where that is a
failure), filled up, or remounted read-only; a read-only bind mount of one file.

Permissions cannot stand in for these: root writes a 0444 file in a 0555 folder anyway,
and tests run as root in the container."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

from tests.support.fixtures import unavailable


def _run(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, check=False)


def _needs_root() -> None:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        unavailable("mounting a test file system (tmpfs, read-only bind) needs root and "
                    "mount(8): the full-disk and read-only-media tests cannot run")


def _unmount(point: Path) -> None:
    """Unmount `point`; lazily if something still holds it (never leave a mount)."""
    if _run("umount", str(point)).returncode:
        _run("umount", "-l", str(point))


@contextlib.contextmanager
def tmpfs(where: Path, size: str = "4m") -> Iterator[Path]:
    """A fresh tmpfs of `size` mounted on the new folder `where`."""
    _needs_root()
    where.mkdir(parents=True)
    done = _run("mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "vungxanh-test",
                str(where))
    if done.returncode:
        unavailable(f"cannot mount a tmpfs: {done.stderr.strip()}")
    try:
        yield where
    finally:
        _unmount(where)


def remount_read_only(point: Path) -> None:
    done = _run("mount", "-o", "remount,ro", str(point))
    assert done.returncode == 0, done.stderr


@contextlib.contextmanager
def read_only_file(path: Path) -> Iterator[Path]:
    """`path` (its folder stays writable) made read-only by a read-only bind mount."""
    _needs_root()
    done = _run("mount", "--bind", str(path), str(path))
    if done.returncode:
        unavailable(f"cannot bind-mount a file: {done.stderr.strip()}")
    try:
        remount = _run("mount", "-o", "remount,ro,bind", str(path))
        assert remount.returncode == 0, remount.stderr
        yield path
    finally:
        _unmount(path)


def fill(point: Path, leave: int = 0) -> Path:
    """Fill the file system at `point` up, then give back about `leave` bytes; the filler
    file is returned (delete it to free the space)."""
    filler = point / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        chunk = b"\0" * 65536
        with contextlib.suppress(OSError):
            while True:
                os.write(fd, chunk)
        with contextlib.suppress(OSError):  # a page at a time when a chunk no longer fits
            while True:
                os.write(fd, chunk[:4096])
        if leave:
            os.ftruncate(fd, max(os.fstat(fd).st_size - leave, 0))
    finally:
        os.close(fd)
    return filler


def free_bytes(point: Path) -> int:
    st = os.statvfs(point)
    return st.f_bavail * st.f_frsize
