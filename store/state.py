"""What the last run saw of each input file, so the next run only reads what changed.

`files.json` maps source_path -> {size, mtime_ns, doc_id, outcome}. A file whose
size and mtime are unchanged is skipped without hashing; one whose bytes hash to
the same doc_id is skipped too (touched, not changed). A file that failed is
retried only when its bytes change. The index is committed with the tables.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

STATE_DIR = ".dondoc"
INDEX = f"{STATE_DIR}/files.json"
CITATIONS = f"{STATE_DIR}/citations.json"


@dataclass(frozen=True, slots=True)
class FileState:
    size: int
    mtime_ns: int
    doc_id: str
    outcome: str  # "ok" or "error"


def load_index(out_dir: Path) -> dict[str, FileState]:
    path = out_dir / INDEX
    if not path.exists():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {k: FileState(**v) for k, v in raw.items()}


def index_bytes(index: dict[str, FileState]) -> bytes:
    return json.dumps({k: asdict(v) for k, v in sorted(index.items())}, ensure_ascii=False,
                      indent=0).encode("utf-8")


def load_json_state(out_dir: Path, name: str) -> dict:
    path = out_dir / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
