"""The Prefect engine: which task runner a run gets, and that the flow writes the
same tables as the plain pipeline (`--engine local`).

Only the last test starts Prefect's temporary server (once per test process)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from dondoc.settings import Settings
from flows import ingest, pipeline

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "tests" / "fixtures" / "seeds"


def test_a_batch_on_several_workers_runs_in_dask_worker_processes():
    runner = ingest.task_runner_for(Settings(workers=2), files_to_read=200)
    assert type(runner).__name__ == "DaskTaskRunner"
    assert runner.cluster_kwargs["n_workers"] == 2
    assert runner.cluster_kwargs["processes"] is True
    assert runner.cluster_kwargs["threads_per_worker"] == 1


def test_a_few_files_or_one_worker_stay_on_threads():
    """Starting worker processes costs more than a handful of letters."""
    assert type(ingest.task_runner_for(Settings(workers=2), files_to_read=3)).__name__ == "ThreadPoolTaskRunner"
    assert type(ingest.task_runner_for(Settings(workers=1), files_to_read=500)).__name__ == "ThreadPoolTaskRunner"


def test_a_dask_address_uses_that_cluster_whatever_the_amount_of_work():
    runner = ingest.task_runner_for(Settings(dask_address="tcp://10.0.0.5:8786"), files_to_read=1)
    assert runner.address == "tcp://10.0.0.5:8786"


def test_an_unchanged_inbox_starts_no_worker_processes(tmp_path, seed_003):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(seed_003, inbox)
    settings = Settings(out_dir=tmp_path / "out", workers=1)
    assert ingest._files_to_read(str(inbox), settings) == 1
    pipeline.run(inbox, settings)
    assert ingest._files_to_read(str(inbox), settings) == 0



@pytest.mark.slow
@pytest.mark.timeout(180)
def test_the_flow_writes_the_same_tables_as_the_plain_pipeline(tmp_path, sorted_tables):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy(seed, inbox)
    base = Settings(as_of=dt.date(2026, 11, 25), workers=2)

    pipeline.run(inbox, dataclasses.replace(base, out_dir=tmp_path / "local"))
    summary = ingest.ingest(str(inbox), dataclasses.replace(base, out_dir=tmp_path / "prefect"))
    assert summary.files_read == len(list(inbox.iterdir()))

    expected, got = sorted_tables(tmp_path / "local"), sorted_tables(tmp_path / "prefect")
    for name in ("documents", "tasks"):
        pd.testing.assert_frame_equal(got[name], expected[name], check_like=True)

    again = ingest.ingest(str(inbox), dataclasses.replace(base, out_dir=tmp_path / "prefect"))
    assert again.files_read == 0 and again.files_unchanged == summary.files_read
