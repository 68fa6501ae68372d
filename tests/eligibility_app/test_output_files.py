"""create_output: an output file replaced as ``open(path, "w")`` would, the old one freed later."""

import os
import stat
import time

import pytest

from eligibility import output_files
from eligibility.output_files import create_output


@pytest.fixture
def large(monkeypatch):
    # Every existing file counts as large: the tests need not write 64 MB.
    monkeypatch.setattr(output_files, "BACKGROUND_BYTES", 1)


def _write(fd: int, text: str) -> None:
    with open(fd, "w", newline="") as handle:
        handle.write(text)


def test_a_missing_file_is_created_empty(tmp_path):
    path = tmp_path / "rows.jsonl"
    _write(create_output(path), "new\n")
    assert path.read_text() == "new\n"


def test_an_old_file_is_replaced_by_a_new_one_with_its_mode(tmp_path, large):
    path = tmp_path / "results_all_rows.csv"
    path.write_text("old results\n" * 100)
    path.chmod(0o640)
    before = path.stat()
    with open(path) as reader:  # someone still reading the old results keeps reading them
        _write(create_output(path), "new\n")
        assert path.read_text() == "new\n"
        after = path.stat()
        assert after.st_ino != before.st_ino
        assert stat.S_IMODE(after.st_mode) == 0o640
        assert reader.readline() == "old results\n"


def test_a_small_old_file_is_truncated_in_place(tmp_path):
    path = tmp_path / "impact_summary.csv"
    path.write_text("old\n")
    inode = path.stat().st_ino
    _write(create_output(path), "new\n")
    assert path.read_text() == "new\n"
    assert path.stat().st_ino == inode


def test_a_symlink_is_written_through(tmp_path, large):
    target = tmp_path / "elsewhere.csv"
    target.write_text("old\n")
    link = tmp_path / "results.csv"
    link.symlink_to(target)
    _write(create_output(link), "new\n")
    assert link.is_symlink()
    assert target.read_text() == "new\n"


def test_a_file_with_another_link_is_truncated_in_place(tmp_path, large):
    path = tmp_path / "results.csv"
    path.write_text("old\n")
    other = tmp_path / "copy-by-link.csv"
    os.link(path, other)
    _write(create_output(path), "new\n")
    assert other.read_text() == "new\n"  # the same file, as open(path, "w") leaves it


def test_the_old_file_is_closed_in_the_background(tmp_path, large):
    path = tmp_path / "rows.jsonl"
    path.write_text("old\n")
    os.close(create_output(path))
    deadline = time.monotonic() + 10
    while output_files._HELD and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not output_files._HELD


def test_a_forked_process_does_not_keep_the_old_file_open(tmp_path, monkeypatch):
    # A forked evaluation process would otherwise hold the old results until it exits.
    old = tmp_path / "old.csv"
    old.write_text("old\n")
    fd = os.open(old, os.O_RDONLY)
    monkeypatch.setattr(output_files, "_HELD", {fd})
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through its exit status
        try:
            os.fstat(fd)
            os._exit(1)
        except OSError:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0
