"""Files already loaded are not opened again while their stat vouches for them (docs/decisions/0020).

Which files a night opens is seen through Python's audit hook `open` (hashing and the CSV readers
open files from Python). A file's fingerprint vouches for it only once its last change is
`SETTLED_NS` older than the fingerprint, hence the waits before the first night.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from dataclasses import replace
from datetime import date

import pytest
from extract_helpers import ACCOUNT_COLUMNS, account, write_csv

from kam.extract import extract_crm
from kam.extract.file_identity import SETTLED_NS, VERIFY_SETTING, FileStat

D1, D2, D3 = date(2026, 10, 15), date(2026, 10, 16), date(2026, 10, 17)
READS_SQL = "select run_id, source, rows_read from meta.source_reads where object = 'accounts' order by all"
_recording: list[list[str]] = []


def _record_open(event: str, args: tuple) -> None:
    if event == "open" and _recording and isinstance(args[0], str | bytes | os.PathLike):
        _recording[-1].append(os.fsdecode(args[0]))


sys.addaudithook(_record_open)


@contextlib.contextmanager
def files_opened():
    """The paths Python opens inside the block."""
    opened: list[str] = []
    _recording.append(opened)
    try:
        yield opened
    finally:
        _recording.pop()


def settle() -> None:
    time.sleep(SETTLED_NS / 1e9 + 0.1)


def write_accounts(env, name: str = "Acme"):
    return write_csv(env.crm / "accounts.csv", ACCOUNT_COLUMNS, [account("A1", name)])


def opened_in(folder, opened: list[str]) -> list[str]:
    return sorted(os.path.basename(p) for p in opened if os.path.dirname(p) == str(folder))


def test_an_untouched_file_is_not_opened_on_the_next_nights(env):
    write_accounts(env)
    settle()
    extract_crm(env.settings, "night1", D1)
    reads = env.query(READS_SQL)
    for run_id, as_of in (("night2", D2), ("night3", D3)):
        with files_opened() as opened:
            report = extract_crm(env.settings, run_id, as_of)
        assert opened_in(env.crm, opened) == []
        accounts = report.objects["accounts"]
        assert (accounts.files_skipped_unchanged, accounts.files, accounts.rows_read) == (["crm/accounts.csv"], [], 0)
    assert env.query(READS_SQL) == reads == [("night1", "crm/accounts.csv", 1)]


def test_a_fingerprint_taken_less_than_settled_ns_after_the_last_change_vouches_for_nothing():
    taken = 10 * SETTLED_NS
    settled = FileStat(size=5, mtime_ns=taken - SETTLED_NS, ctime_ns=taken - SETTLED_NS, inode=7, taken_at_ns=taken)
    assert settled.vouches_for(replace(settled, taken_at_ns=taken + 1))
    assert not replace(settled, ctime_ns=taken - SETTLED_NS + 1).vouches_for(settled)
    assert not replace(settled, mtime_ns=taken - SETTLED_NS + 1).vouches_for(settled)
    for changed in ({"size": 6}, {"mtime_ns": 1}, {"ctime_ns": 1}, {"inode": 8}):
        assert not settled.vouches_for(replace(settled, **changed))


def test_a_file_rewritten_in_place_with_the_same_size_and_mtime_is_read_again(env):
    path = write_accounts(env, "Acme")
    settle()
    extract_crm(env.settings, "night1", D1)
    before = path.stat()
    write_accounts(env, "Acmf")  # same size; its mtime is then set back: only the ctime tells
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    report = extract_crm(env.settings, "night2", D2)
    assert report.objects["accounts"].files_changed == ["crm/accounts.csv"]
    assert env.query("select name, _run_id from raw.accounts") == [("Acmf", "night2")]
    assert env.query(READS_SQL) == [("night1", "crm/accounts.csv", 1), ("night2", "crm/accounts.csv", 1)]


def test_a_snapshot_rewritten_with_a_new_mtime_is_read_again(env):
    write_accounts(env, "Acme")
    settle()
    extract_crm(env.settings, "night1", D1)
    write_accounts(env, "Bolt")
    report = extract_crm(env.settings, "night2", D2)
    assert report.objects["accounts"].files_changed == ["crm/accounts.csv"]
    assert env.query("select name from raw.accounts") == [("Bolt",)]


def test_verify_unchanged_files_hash_hashes_every_file_every_night(env, monkeypatch):
    write_accounts(env)
    settle()
    extract_crm(env.settings, "night1", D1)
    monkeypatch.setenv(VERIFY_SETTING, "hash")
    with files_opened() as opened:
        report = extract_crm(env.settings, "night2", D2)
    assert "accounts.csv" in opened_in(env.crm, opened)
    assert report.objects["accounts"].files_skipped_unchanged == ["crm/accounts.csv"]
    assert env.query(READS_SQL) == [("night1", "crm/accounts.csv", 1)]


def test_an_unknown_verify_setting_is_refused_naming_it(env, monkeypatch):
    write_accounts(env)
    monkeypatch.setenv(VERIFY_SETTING, "mtime")
    with pytest.raises(ValueError, match="KAM_VERIFY_UNCHANGED_FILES must be one of stat, hash, got 'mtime'"):
        extract_crm(env.settings, "night1", D1)
