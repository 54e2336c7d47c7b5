"""Shared fixtures: paths to the real letters shipped in the repo."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
GOLD = ROOT / "tests" / "fixtures" / "gold"
CORPUS = ROOT / "corpus"


@pytest.fixture
def sorted_tables():
    """Read an output folder's documents and tasks in a stable order, so that runners
    finishing files in different orders compare equal."""
    import pandas as pd

    def read(out: Path) -> dict:
        frames = {}
        for name, key in (("documents", ["source_path"]), ("tasks", ["doc_id", "task_id"])):
            frame = pd.read_parquet(out / f"{name}.parquet")
            frames[name] = frame.sort_values(key, kind="stable").reset_index(drop=True)
        return frames

    return read


@pytest.fixture
def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


@pytest.fixture
def seed_003() -> Path:
    return next(SEEDS.glob("003_*.txt"))


def pytest_unconfigure(config):
    # Prefect stops its temporary test server at interpreter exit and logs it to a
    # stream pytest has already closed; don't print that as a traceback.
    logging.raiseExceptions = False
