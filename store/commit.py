"""Write several files so that readers see all the old ones or all the new ones.

Files are staged beside their final names (same filesystem, so rename is atomic),
fsynced, then a journal listing the renames is written atomically, then the
renames are done and the journal removed. A crash before the journal leaves only
stray temp files (the tables are as before); a crash after it is rolled forward
by `recover` at the start of the next run (the tables are as after).
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

JOURNAL = ".dondoc/commit.json"
STAGING_SUFFIX = ".dondoc-tmp"
_UMASK = os.umask(0)
os.umask(_UMASK)


def staged_path(final: Path) -> Path:
    """A fresh temp name beside `final` for a writer to fill."""
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=STAGING_SUFFIX, dir=final.parent)
    os.close(fd)
    os.chmod(name, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs are for every analyst
    return Path(name)


def discard(staged: dict[Path, Path]) -> None:
    """Remove staged files of a write that failed before its commit."""
    for tmp in staged.values():
        Path(tmp).unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """One file, replaced atomically."""
    tmp = staged_path(path)
    tmp.write_bytes(data)
    _fsync(tmp)
    os.replace(tmp, path)


def commit(out_dir: Path, staged: dict[Path, Path]) -> None:
    """Swap staged files (final -> temp) into place as one unit."""
    for tmp in staged.values():
        _fsync(tmp)
    journal = out_dir / JOURNAL
    journal.parent.mkdir(parents=True, exist_ok=True)
    plan = [[str(tmp), str(final)] for final, tmp in staged.items()]
    write_atomic(journal, json.dumps(plan).encode())
    _roll_forward(plan)
    journal.unlink()
    _fsync_dir(out_dir)


def _roll_forward(plan: list[list[str]]) -> None:
    for tmp, final in plan:
        if os.path.exists(tmp):
            os.replace(tmp, final)


def recover(out_dir: Path) -> bool:
    """Finish a commit that a crash interrupted; drop stray staged files. True if rolled forward."""
    journal = out_dir / JOURNAL
    rolled = False
    if journal.exists():
        try:
            plan = json.loads(journal.read_text())
        except json.JSONDecodeError:
            plan = []  # the journal itself was never completely written: nothing was renamed
        _roll_forward(plan)
        journal.unlink()
        rolled = bool(plan)
    if out_dir.exists():
        for stray in out_dir.rglob(f"*{STAGING_SUFFIX}"):
            stray.unlink(missing_ok=True)
    return rolled
