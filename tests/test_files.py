"""Files written whole or not at all, many at once: each put in place only once durable, in
order, and the first that fails stops the rest without leaving temporary files behind."""

from __future__ import annotations

import os
import random
import stat
from pathlib import Path

import pytest

from crawler.files import SYNC_THREADS, discard, put_all_in_place, write_temporary


def test_files_are_put_in_place_together_in_order(tmp_path):
    old = tmp_path / "post-0.md"
    old.write_text("old")
    paths = [tmp_path / f"post-{n}.md" for n in range(20)]
    written = [write_temporary(path, f"new {n}".encode()) for n, path in enumerate(paths)]
    assert old.read_text() == "old"  # nothing in place before the files are durable
    put_all_in_place(written)
    assert [path.read_text() for path in paths] == [f"new {n}" for n in range(20)]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)
    put_all_in_place([])


def test_the_first_file_that_fails_stops_the_rest(tmp_path):
    paths = [tmp_path / f"post-{n}.md" for n in range(6)]
    written = [write_temporary(path, b"new") for path in paths]
    os.close(written[3].fd)  # its fsync fails (EBADF), as a full or broken disk's would
    with pytest.raises(OSError):
        put_all_in_place(written)
    assert [path.exists() for path in paths] == [True, True, True, False, False, False]
    # No temporary file is left behind.
    assert sorted(p.name for p in tmp_path.iterdir()) == [p.name for p in paths[:3]]


def test_more_files_than_fsync_threads_each_keeps_its_own_error(tmp_path):
    """The fsync threads take their shares of the files: the error found for one file is still
    that file's, and only it and the files after it are discarded."""
    paths = [tmp_path / f"post-{n}.md" for n in range(3 * SYNC_THREADS + 1)]
    written = [write_temporary(path, b"new") for path in paths]
    failing = SYNC_THREADS + 5
    # Its fsync fails (EINVAL: a pipe), its close does not.
    os.close(written[failing].fd)
    pipe, other_end = os.pipe()
    os.close(other_end)
    written[failing] = written[failing]._replace(fd=pipe)
    with pytest.raises(OSError):
        put_all_in_place(written)
    assert [path.exists() for path in paths] == [n < failing for n in range(len(paths))]
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_missing_folder_is_made_and_batches_follow_one_another(tmp_path):
    for batch in range(3):  # the fsync threads of one batch serve the next
        paths = [tmp_path / "posts" / f"{batch}" / f"post-{n}.md" for n in range(5)]
        put_all_in_place(
            [write_temporary(path, f"{batch} {n}".encode()) for n, path in enumerate(paths)]
        )
        assert [path.read_text() for path in paths] == [f"{batch} {n}" for n in range(5)]
    assert not list(tmp_path.glob("posts/*/.*.tmp"))


def test_a_temporary_file_never_takes_an_existing_name_and_is_made_as_open_makes_it(tmp_path):
    """The random name a temporary file would get is taken (another process's file): the
    file gets another, the taken one is untouched; the file in place has open()'s mode,
    0666 less the umask."""
    path = tmp_path / "post.md"
    random.seed(12)
    first = write_temporary(path, b"first")
    taken = Path(first.tmp)
    discard(first)
    taken.write_bytes(b"another process's")
    random.seed(12)  # the same name comes first again
    written = write_temporary(path, b"new")
    assert written.tmp != str(taken) and written.tmp.endswith(".tmp")
    assert Path(written.tmp).name.startswith(".post.md.")
    put_all_in_place([written])
    assert path.read_bytes() == b"new" and taken.read_bytes() == b"another process's"
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
