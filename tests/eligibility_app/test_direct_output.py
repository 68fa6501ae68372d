"""Results written past the page cache hold exactly the bytes written, wherever the stream starts
and however its writes are cut, and fall back to the usual writes where direct ones are refused."""

import os
import random
import threading

import pytest

from eligibility import direct_output
from eligibility.direct_output import ALIGN, DirectFile, PositionedWriter, open_direct, open_text


@pytest.fixture
def small_buffers(monkeypatch):
    # A few blocks per buffer, so that a test's stream fills several and the thread writes them.
    monkeypatch.setattr(direct_output, "BUFFER_BYTES", 3 * ALIGN)
    monkeypatch.setattr(direct_output, "_TIMES", [None, 0.0])
    # Tiny buffers fill faster than any disk takes them: only the slow-disk test counts the waits.
    monkeypatch.setattr(direct_output, "SLOW_DISK_SECONDS", 10**9)


@pytest.fixture
def direct_bytes(monkeypatch):
    """Bytes the kernel took past the page cache during the test."""
    counter = [0]
    monkeypatch.setattr(direct_output, "DIRECT_BYTES", counter)
    return counter


def _pieces(seed: int, total: int) -> list[bytes]:
    rng = random.Random(seed)
    pieces, size = [], 0
    while size < total:
        piece = bytes(rng.getrandbits(8) for _ in range(rng.choice([1, 7, 100, ALIGN - 1, ALIGN + 3, 9000])))
        pieces.append(piece)
        size += len(piece)
    return pieces


def _open(path) -> int:
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)


def _require_direct(tmp_path):
    fd = _open(tmp_path / "probe")
    direct = open_direct(fd)
    os.close(fd)
    if direct is None:
        pytest.skip("this file system refuses O_DIRECT (the fallback is tested below)")
    os.close(direct)


@pytest.mark.parametrize("start", [0, 1, ALIGN - 1, ALIGN, 3 * ALIGN + 17])
def test_a_stream_lands_byte_for_byte_from_any_offset(tmp_path, small_buffers, direct_bytes, start):
    _require_direct(tmp_path)
    path = tmp_path / "out.csv"
    fd = _open(path)
    os.pwrite(fd, b"<" * start, 0)
    pieces = _pieces(start, 20 * ALIGN)
    writer = PositionedWriter(fd, start)
    for piece in pieces:
        writer.write(piece)
    end = writer.close()
    os.close(fd)
    expected = b"<" * start + b"".join(pieces)
    assert end == len(expected)
    assert path.read_bytes() == expected
    # Every whole block of the stream went direct: only its first and last partial blocks did not.
    first_boundary, last_boundary = -(-start // ALIGN) * ALIGN, end // ALIGN * ALIGN
    assert direct_bytes[0] == last_boundary - first_boundary


def test_two_streams_meeting_inside_a_block_each_keep_their_bytes(tmp_path, small_buffers):
    # The shares of one file: the second starts where the first ends, mid-block, and both write at once.
    path = tmp_path / "out.csv"
    fd = _open(path)
    first, second = _pieces(1, 10 * ALIGN), _pieces(2, 10 * ALIGN)
    boundary = sum(map(len, first))
    assert boundary % ALIGN

    def write(pieces, start):
        writer = PositionedWriter(fd, start)
        for piece in pieces:
            writer.write(piece)
        writer.close()

    threads = [threading.Thread(target=write, args=(second, boundary)), threading.Thread(target=write, args=(first, 0))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    os.close(fd)
    assert path.read_bytes() == b"".join(first) + b"".join(second)


def test_without_direct_writes_the_bytes_are_the_same(tmp_path, small_buffers, direct_bytes):
    path = tmp_path / "out.csv"
    fd = _open(path)
    pieces = _pieces(3, 8 * ALIGN)
    writer = PositionedWriter(fd, 5, direct=False)
    for piece in pieces:
        writer.write(piece)
    assert writer.close() == 5 + sum(map(len, pieces))
    os.close(fd)
    assert path.read_bytes()[5:] == b"".join(pieces)
    assert direct_bytes[0] == 0


def test_a_disk_that_falls_behind_turns_direct_writes_off(tmp_path, small_buffers, monkeypatch):
    _require_direct(tmp_path)
    monkeypatch.setattr(direct_output, "SLOW_DISK_SECONDS", 0.1)
    release = threading.Event()
    real = direct_output._write_block

    def slow(*args):  # the first block stays "on its way" for most of the time the stream takes
        release.wait(5)
        return real(*args)

    monkeypatch.setattr(direct_output, "_write_block", slow)
    path = tmp_path / "out.csv"
    fd = _open(path)
    pieces = _pieces(4, 12 * ALIGN)
    writer = PositionedWriter(fd, 0)
    threading.Timer(0.2, release.set).start()
    for piece in pieces:
        writer.write(piece)
    assert writer.head == -1  # the rest went the usual way
    writer.close()
    os.close(fd)
    assert path.read_bytes() == b"".join(pieces)
    fd = os.open(path, os.O_WRONLY)
    assert PositionedWriter(fd, 0).direct_fd is None  # and it stays off in this process
    os.close(fd)


def test_a_refused_direct_write_is_written_the_usual_way(tmp_path, direct_bytes):
    _require_direct(tmp_path)
    path = tmp_path / "out.csv"
    fd = _open(path)
    direct = open_direct(fd)
    buffer = direct_output._take_buffer()
    buffer[:ALIGN] = b"x" * ALIGN
    # An offset off the block boundary: the kernel refuses it (EINVAL), the bytes still land.
    direct_output._write_block(fd, direct, buffer, ALIGN, 10)
    os.close(direct)
    os.close(fd)
    assert path.read_bytes() == b"\0" * 10 + b"x" * ALIGN
    assert direct_bytes[0] == 0


def test_direct_writes_can_be_turned_off(tmp_path, monkeypatch):
    fd = _open(tmp_path / "out.csv")
    monkeypatch.setenv("CMR_DIRECT_WRITES", "0")
    assert open_direct(fd) is None
    assert PositionedWriter(fd, 0).direct_fd is None
    os.close(fd)


def test_a_direct_file_writes_what_open_writes(tmp_path, small_buffers):
    lines = [f"{n},naïve \"quoted\" text,{'x' * (n % 97)}\r\n" for n in range(3000)]
    with open(tmp_path / "plain.csv", "w", newline="") as plain:
        plain.writelines(lines)
    fd = os.open(tmp_path / "direct.csv", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.write(fd, b"header\r\n")
    with open_text(fd) as direct:
        assert isinstance(direct.buffer.raw, DirectFile)
        direct.writelines(lines)
    assert (tmp_path / "direct.csv").read_bytes() == b"header\r\n" + (tmp_path / "plain.csv").read_bytes()


def test_a_pipe_is_written_as_open_writes_it(tmp_path):
    read, write = os.pipe()
    with open_text(write) as text:
        assert not isinstance(text.buffer.raw, DirectFile)
        text.write("a,b\r\n")
    with os.fdopen(read, "rb") as pipe:
        assert pipe.read() == b"a,b\r\n"
