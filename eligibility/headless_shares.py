"""One output file written by several processes at once, each process one share, in file order.

A share's place in the file is known only when every share before it is done: its length is not
known in advance. A share therefore waits in memory until its start is known (shares are
evaluated in turn by the processes, so the share before is usually done about halfway through),
then goes to its place with ``pwrite``, and everything after it is written straight there.
A share that grows past :data:`MEMORY_LIMIT` before its start is known, or that ends first, is
kept in a temporary file, and whoever learns its start (its own process, or the parent when the
share's task has ended) copies it in.

Written once, in place: appending whole shares after the fact copied the gigabytes of a county's
results a second time. Most of a share goes to the disk past the page cache
(:mod:`.direct_output`); the bytes where two shares meet inside one disk block go through it.
The start of every share is published in shared memory (:attr:`SharedOutput.ends`), which the
processes inherit when they are forked.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import tempfile
from pathlib import Path

from .direct_output import PositionedWriter, pwrite_all

# Bytes a share keeps in memory while its start is unknown; the rest waits in a temporary file.
MEMORY_LIMIT = 64 * 1024 * 1024
UNKNOWN = -1


class SharedOutput:
    """The file at ``fd``, written from ``base`` on by ``parts`` shares. Create before forking."""

    def __init__(self, fd: int, base: int, parts: int, spill_dir: Path):
        self.fd = fd
        self.base = base
        self.spill_dir = spill_dir
        # ends[k]: the offset where share k ends, once known. Aligned 64-bit stores: a reader in
        # another process sees the old value or the new one, never a mix.
        self.ends = multiprocessing.RawArray("q", [UNKNOWN] * parts)

    def start_of(self, part: int) -> int:
        return self.base if part == 0 else self.ends[part - 1]

    def writer(self, part: int) -> ShareWriter:
        """In the process that writes share ``part``: a raw binary file object for it. After it is
        closed, its :attr:`ShareWriter.left` goes to the parent's :meth:`settle`."""
        return ShareWriter(self, part)

    def text_writer(self, part: int) -> tuple[io.TextIOWrapper, ShareWriter]:
        """The same, buffered, as text encoded as ``open(path, "w", newline="")`` encodes it."""
        raw = ShareWriter(self, part)
        return io.TextIOWrapper(io.BufferedWriter(raw, 1 << 20), newline=""), raw

    def settle(self, part: int, left: tuple[int, str] | None) -> None:
        """In the parent, for each share in file order once its task has ended: ``left`` is what
        :meth:`ShareWriter.close` returned (None when the share is in place)."""
        if left is None:
            return
        length, spill = left
        start = self.start_of(part)
        if start == UNKNOWN:
            raise RuntimeError(f"share {part} settled before the share before it")
        _copy_into(spill, self.fd, start)
        os.unlink(spill)
        self.ends[part] = start + length

    @property
    def end(self) -> int:
        return self.ends[len(self.ends) - 1]


class ShareWriter(io.RawIOBase):
    """Raw binary writer of one share; wrap it in a buffer (and a text layer) as ``open`` does."""

    def __init__(self, output: SharedOutput, part: int):
        super().__init__()
        self.output, self.part = output, part
        self.sink: PositionedWriter | None = None  # writes from the share's start, once it is known
        self.length = 0
        self.held: list[bytes] = []
        self.held_bytes = 0
        self.spill: io.BufferedWriter | None = None
        self.spill_name = ""
        # After close: None when the share is in place, else what the parent must copy in.
        self.left: tuple[int, str] | None = None

    def writable(self) -> bool:
        return True

    def close(self) -> None:
        # The buffer above has flushed into this writer by now: the share is complete.
        if not self.closed:
            self.left = self.finish()
        super().close()

    def write(self, data) -> int:
        size = len(data)  # ``data`` is a view of the buffer above: copied only when it is held
        self.length += size
        if self.sink is None and not self._place():
            self._hold(bytes(data))
            return size
        self.sink.write(data)
        return size

    def _place(self) -> bool:
        """If the share's start is now known, write what was held there; True when placed."""
        start = self.output.start_of(self.part)
        if start == UNKNOWN:
            return False
        position = start
        if self.spill is not None:
            self.spill.close()
            position += _copy_into(self.spill_name, self.output.fd, position)
            os.unlink(self.spill_name)
            self.spill = None
        self.sink = PositionedWriter(self.output.fd, position)
        for block in self.held:
            self.sink.write(block)
        self.held, self.held_bytes = [], 0
        return True

    def _hold(self, data: bytes) -> None:
        if self.spill is None and self.held_bytes + len(data) <= MEMORY_LIMIT:
            self.held.append(data)
            self.held_bytes += len(data)
            return
        self._spill_held()
        self.spill.write(data)

    def _spill_held(self) -> None:
        if self.spill is None:
            handle, self.spill_name = tempfile.mkstemp(prefix=f"share-{self.part}-", dir=self.output.spill_dir)
            self.spill = open(handle, "wb", buffering=1 << 20)  # noqa: SIM115 - closed in _place/finish
        for block in self.held:
            self.spill.write(block)
        self.held, self.held_bytes = [], 0

    def finish(self) -> tuple[int, str] | None:
        """After the last write (and a flush of the layers above): publish where the share ends,
        or hand the parent what it must copy in (see :meth:`SharedOutput.settle`)."""
        if self.sink is None and not self._place():
            self._spill_held()
            self.spill.close()
            self.spill = None
            return self.length, self.spill_name
        self.output.ends[self.part] = self.sink.close()
        return None


def _copy_into(path: str, fd: int, position: int) -> int:
    """Copy a whole file into ``fd`` at ``position``, in the kernel where it can; returns the size."""
    copied = 0
    with open(path, "rb") as source:
        size = os.fstat(source.fileno()).st_size
        try:
            while copied < size:
                moved = os.copy_file_range(source.fileno(), fd, size - copied, copied, position + copied)
                if not moved:
                    break
                copied += moved
        except OSError:
            pass  # another file system, or an old kernel: copy below from where it stopped
        source.seek(copied)
        while block := source.read(1 << 20):
            pwrite_all(fd, block, position + copied)
            copied += len(block)
    return copied
