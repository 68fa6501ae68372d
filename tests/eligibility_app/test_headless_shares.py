"""One file written by several forked processes, each its share in file order, whatever the
order the shares finish in."""

import multiprocessing
import os
import random
import time

import pytest

from eligibility import headless_shares
from eligibility.headless_shares import SharedOutput


def _share_bytes(part: int) -> list[bytes]:
    rng = random.Random(part)
    return [f"share {part} block {n} ".encode() * rng.randint(1, 300) + b"\n" for n in range(rng.randint(0, 40))]


def _write_share(output: SharedOutput, part: int, delay: float, conn) -> None:
    text, raw = output.text_writer(part)
    for block in _share_bytes(part):
        text.write(block.decode())
        text.flush()
        time.sleep(delay)
    text.close()
    conn.send(raw.left)
    conn.close()


@pytest.mark.parametrize("memory_limit", [64 * 1024 * 1024, 2000], ids=["held-in-memory", "spilled-to-disk"])
@pytest.mark.parametrize("delays", [
    [0.0, 0.0, 0.0, 0.0, 0.0],
    [0.02, 0.0, 0.0, 0.0, 0.0],  # share 0 ends last: every other share waits for the parent
    [0.0, 0.01, 0.0, 0.02, 0.0],
], ids=["together", "first-last", "mixed"])
def test_the_file_holds_every_share_in_order(tmp_path, monkeypatch, memory_limit, delays):
    monkeypatch.setattr(headless_shares, "MEMORY_LIMIT", memory_limit)
    target = tmp_path / "out.txt"
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.write(fd, b"written before\n")
    output = SharedOutput(fd, 15, len(delays), tmp_path)
    context = multiprocessing.get_context("fork")
    pipes, processes = [], []
    for part, delay in enumerate(delays):
        parent, child = context.Pipe()
        process = context.Process(target=_write_share, args=(output, part, delay, child))
        process.start()
        pipes.append(parent)
        processes.append(process)
    for part, (pipe, process) in enumerate(zip(pipes, processes, strict=True)):
        output.settle(part, pipe.recv())
        process.join()
        assert process.exitcode == 0
    os.close(fd)
    expected = b"written before\n" + b"".join(b"".join(_share_bytes(part)) for part in range(len(delays)))
    assert target.read_bytes() == expected
    assert output.end == len(expected)
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]  # no spill file left behind


def test_a_share_settled_before_the_one_before_it_is_refused(tmp_path):
    fd = os.open(tmp_path / "out.txt", os.O_WRONLY | os.O_CREAT)
    output = SharedOutput(fd, 0, 2, tmp_path)
    spill = tmp_path / "spill"
    spill.write_bytes(b"x")
    with pytest.raises(RuntimeError, match="share 1"):
        output.settle(1, (1, str(spill)))
    os.close(fd)
