"""Output files that replace an earlier run's without making the new run wait for them.

Truncating a file frees its pages in the page cache, on the caller's time: for the gigabytes of
results of a county's DOJ file that was about a second before any evaluation could start (and as
much again at the next run). :func:`create_output` gives the same empty file, but the old one is
unlinked, and its pages are freed by a background thread while the evaluation runs.
"""

from __future__ import annotations

import contextlib
import os
import stat
import threading

# Smaller files are truncated in place: their pages cost nothing worth a thread.
BACKGROUND_BYTES = 64 * 1024 * 1024
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC


def create_output(path: str | os.PathLike) -> int:
    """A descriptor of ``path``, open for writing and empty, as ``open(path, "w")`` leaves it.

    A large regular file of ours with one name is replaced by a new file with the same mode; the
    old one is freed in the background. Anything else (a symlink, a device, a file with other
    links or another owner) is truncated in place, so that writing through it means what it
    always meant."""
    try:
        old = os.lstat(path)
    except FileNotFoundError:
        return os.open(path, _CREATE | os.O_TRUNC, 0o666)
    if (not stat.S_ISREG(old.st_mode) or old.st_nlink != 1 or old.st_uid != os.geteuid()
            or old.st_size < BACKGROUND_BYTES):
        return os.open(path, _CREATE | os.O_TRUNC, 0o666)
    held = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.unlink(path)
        fd = os.open(path, _CREATE | os.O_EXCL, 0o666)
    except OSError:
        os.close(held)
        return os.open(path, _CREATE | os.O_TRUNC, 0o666)
    os.fchmod(fd, stat.S_IMODE(old.st_mode))
    _HELD.add(held)
    threading.Thread(target=_free, args=(held,), name="cmr-free-old-output", daemon=True).start()
    return fd


# Old files still open in this process. A forked process closes its copies at once: else the old
# pages would be freed only when the last forked process exits, at the end of the run.
_HELD: set[int] = set()


def _free(fd: int) -> None:
    # Out of the set before the close: a process forked in between keeps the old file a little
    # longer, whereas the other order could make it close a new file that reused the number.
    _HELD.discard(fd)
    os.close(fd)  # the last close of an unlinked file frees its pages; the GIL is released meanwhile


def _close_inherited() -> None:
    for fd in _HELD:
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


os.register_at_fork(after_in_child=_close_inherited)
