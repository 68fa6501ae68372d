"""Writing gigabytes of results from a known offset without passing them through the page cache.

A county's results files are written once and not read again by this run. Written the usual way,
every byte is first copied into the page cache, in memory the kernel must find for it: on this kind
of virtual machine, memory freed earlier has been handed back to the host, and taking it again costs
about 2.5 s of system time per GB (measured with ``dd``: 4.8 s for 2 GB written 20 s after the
previous 2 GB were deleted, 0.4 s right after). With ``O_DIRECT`` the disk reads the blocks straight
from a few reused buffers (``dd oflag=direct``: 3.4 GB in 1.9 s, 0.25 s of system time).

Direct writes need whole blocks at block-aligned offsets: the unaligned first and last bytes of a
stream go through the page cache as before, which is also how two streams that meet inside one block
(the shares of :mod:`.headless_shares`) each write their part of it. A background thread writes the
full buffers, so the disk works while the evaluation goes on. Where direct writes are refused (a file
system without them, such as tmpfs), everything is written the usual way.
"""

from __future__ import annotations

import errno
import io
import mmap
import os
import stat
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import TextIO

# Offsets and lengths of direct writes are multiples of this (the page size: a multiple of the
# logical block size of every disk we expect).
ALIGN = 4096
# Bytes gathered before a direct write, and buffers a stream may have on their way to the disk while
# it fills the next one (the buffers are reused by the streams of a process).
BUFFER_BYTES = 4 * 1024 * 1024
IN_FLIGHT = 2
# A disk slower than the evaluation makes it wait for the buffer before, whereas the page cache takes
# the bytes at once and writes them out later: once a process has waited this long in all, and for
# this share of the time since its first direct write, it writes the usual way again. (A burst, such
# as a share's held bytes written at once, waits a little without a slow disk: 64 MB, about 0.1 s.)
SLOW_DISK_SECONDS = 0.5
SLOW_DISK_SHARE = 0.1


def open_direct(fd: int) -> int | None:
    """A second descriptor of the file at ``fd`` that writes past the page cache, or None where
    that is not possible (the caller then writes through ``fd`` only). ``CMR_DIRECT_WRITES=0`` in
    the environment turns direct writes off."""
    if not hasattr(os, "O_DIRECT") or os.environ.get("CMR_DIRECT_WRITES", "1") == "0":
        return None
    try:
        return os.open(f"/proc/self/fd/{fd}", os.O_WRONLY | os.O_DIRECT | os.O_CLOEXEC)
    except OSError:
        return None


class PositionedWriter:
    """Writes a stream of bytes into ``fd`` from ``position`` on: with ``direct``, the aligned
    middle past the page cache where the file allows it. :meth:`close` returns the end offset."""

    def __init__(self, fd: int, position: int, *, direct: bool = True):
        direct_fd = open_direct(fd) if direct and not _disk_too_slow() else None
        self.fd, self.direct_fd = fd, direct_fd
        self.position = position  # where the next byte that is not in the buffer goes
        self.buffer: mmap.mmap | None = None
        self.fill = 0
        self.pending: deque[tuple[Future, mmap.mmap]] = deque()  # buffers on their way to the disk
        self.closed = False
        if direct_fd is not None:
            # Up to the first block boundary, the usual way: a direct write starts on a boundary.
            self.head = -position % ALIGN
        else:
            self.head = -1

    def write(self, data) -> None:
        view = memoryview(data).cast("B")
        if self.head < 0:  # no direct writes for this stream
            pwrite_all(self.fd, view, self.position)
            self.position += len(view)
            return
        if self.head:
            head = view[:self.head]
            pwrite_all(self.fd, head, self.position)
            self.position += len(head)
            self.head -= len(head)
            view = view[len(head):]
        while view:
            if self.buffer is None:
                self.buffer = _take_buffer()
            take = min(BUFFER_BYTES - self.fill, len(view))
            self.buffer[self.fill:self.fill + take] = view[:take]
            self.fill += take
            view = view[take:]
            if self.fill == BUFFER_BYTES:
                self._send(BUFFER_BYTES)
                if _disk_too_slow():
                    self._stop_direct()
                    self.write(view)  # the usual way now
                    return

    def _send(self, length: int) -> None:
        """Hand the first ``length`` (aligned) bytes of the buffer to the writer thread."""
        while len(self.pending) >= IN_FLIGHT:
            self._wait_oldest()
        buffer = self.buffer
        if _TIMES[0] is None:
            _TIMES[0] = time.perf_counter()
        future = _writer().submit(_write_block, self.fd, self.direct_fd, buffer, length, self.position)
        self.pending.append((future, buffer))
        self.position += length
        self.buffer, self.fill = None, 0

    def _wait(self) -> None:
        while self.pending:
            self._wait_oldest()

    def _wait_oldest(self) -> None:
        future, buffer = self.pending.popleft()
        try:
            if not future.done():
                started = time.perf_counter()
                wait([future])
                _TIMES[1] += time.perf_counter() - started
            future.result()  # raises what the write raised
        finally:
            _give_back(buffer)

    def _stop_direct(self) -> None:
        """From here on, the usual way (the buffer just sent is the last direct write)."""
        self._wait()
        self.head = -1

    def close(self) -> int:
        """Write what is left, wait for the disk, and return the offset after the last byte."""
        if self.closed:
            return self.position
        self.closed = True
        try:
            if self.buffer is not None:
                aligned = self.fill - self.fill % ALIGN
                tail = bytes(self.buffer[aligned:self.fill])
                if aligned:
                    self._send(aligned)  # also gives up the buffer
                else:
                    _give_back(self.buffer)
                    self.buffer, self.fill = None, 0
                if tail:
                    pwrite_all(self.fd, tail, self.position)
                    self.position += len(tail)
        finally:
            try:
                self._wait()
            finally:
                if self.direct_fd is not None:
                    os.close(self.direct_fd)
                    self.direct_fd = None
        return self.position


class DirectFile(io.RawIOBase):
    """A raw binary file, open for writing at ``fd`` (a regular file, which it owns and closes), that
    writes through a :class:`PositionedWriter` from the current offset on (see :func:`open_text`)."""

    def __init__(self, fd: int):
        super().__init__()
        self.fd = fd
        self.sink = PositionedWriter(fd, os.lseek(fd, 0, os.SEEK_CUR))

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.fd

    def write(self, data) -> int:
        self.sink.write(data)
        return len(data)

    def close(self) -> None:
        # The buffer above has flushed into this file by now.
        if not self.closed:
            try:
                self.sink.close()
            finally:
                os.close(self.fd)
        super().close()


def open_text(fd: int) -> TextIO:
    """``open(fd, "w", newline="")``, written mostly past the page cache when ``fd`` is a regular
    file (anything else, a pipe say, is written as ``open`` writes it)."""
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        return open(fd, "w", newline="")  # noqa: SIM115 - the caller closes it
    return io.TextIOWrapper(io.BufferedWriter(DirectFile(fd), 1 << 20), newline="")


def _write_block(fd: int, direct_fd: int | None, buffer: mmap.mmap, length: int, position: int) -> None:
    view = memoryview(buffer)[:length]
    while view:
        try:
            written = os.pwrite(direct_fd, view, position)
        except OSError as error:
            if error.errno != errno.EINVAL:
                raise
            break  # refused after all (an unaligned device, say): the rest the usual way
        view, position = view[written:], position + written
        DIRECT_BYTES[0] += written
        if written % ALIGN:
            break  # a short write off a boundary: the rest cannot go direct
    pwrite_all(fd, view, position)


def pwrite_all(fd: int, data, position: int) -> None:
    """All of ``data`` into ``fd`` at ``position`` (``os.pwrite`` may take less at a time)."""
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, position)
        view = view[written:]
        position += written


# Per process: one writer thread, and the buffers that are free. A forked process starts without
# either (the parent's thread does not exist there).
_BUFFERS: list[mmap.mmap] = []
_WRITER: list[ThreadPoolExecutor] = []
_TIMES: list = [None, 0.0]  # when this process first wrote direct; how long it has waited for the disk
DIRECT_BYTES = [0]  # written past the page cache by this process (for tests and benchmarks)


def _disk_too_slow() -> bool:
    first, waited = _TIMES
    return waited > SLOW_DISK_SECONDS and waited > SLOW_DISK_SHARE * (time.perf_counter() - first)


def _writer() -> ThreadPoolExecutor:
    if not _WRITER:
        _WRITER.append(ThreadPoolExecutor(1, thread_name_prefix="cmr-direct-write"))
    return _WRITER[0]


def _take_buffer() -> mmap.mmap:
    # An anonymous mapping starts on a page boundary, as a direct write needs.
    while True:
        try:
            buffer = _BUFFERS.pop()
        except IndexError:
            return mmap.mmap(-1, BUFFER_BYTES, flags=mmap.MAP_PRIVATE)
        if len(buffer) == BUFFER_BYTES:  # (a test may change the size)
            return buffer


def _give_back(buffer: mmap.mmap | None) -> None:
    if buffer is not None and len(_BUFFERS) < 16:
        _BUFFERS.append(buffer)


def _forget_after_fork() -> None:
    _WRITER.clear()
    _BUFFERS.clear()
    _TIMES[:] = [None, 0.0]
    DIRECT_BYTES[0] = 0


os.register_at_fork(after_in_child=_forget_after_fork)
