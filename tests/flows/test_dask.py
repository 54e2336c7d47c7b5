"""The ingest flow runs unchanged on a Dask cluster (prefect-dask): the tables it
writes are the same as with Prefect's default thread-pool runner.

A flow run without PREFECT_API_URL starts a temporary Prefect server (~7 s), once
per test process, so this module holds the one test that needs it."""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pandas as pd
import pytest

from dondoc.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "tests" / "fixtures" / "seeds"



@pytest.mark.slow
@pytest.mark.timeout(240)
def test_dask_cluster_of_two_workers_writes_the_same_tables_as_the_default_runner(tmp_path, sorted_tables):
    distributed = pytest.importorskip("distributed")
    from flows.ingest import ingest

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy(seed, inbox)
    assert len(list(inbox.iterdir())) >= 3
    base = Settings(as_of=pd.Timestamp("2026-11-25").date(), workers=1)

    threads_out = tmp_path / "threads"
    ingest(str(inbox), dataclasses.replace(base, out_dir=threads_out))

    dask_out = tmp_path / "dask"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        summary = ingest(str(inbox), dataclasses.replace(base, out_dir=dask_out,
                                                         dask_address=cluster.scheduler_address))
    assert summary.files_read == len(list(inbox.iterdir()))

    expected, got = sorted_tables(threads_out), sorted_tables(dask_out)
    assert len(expected["documents"]) == summary.documents > 0
    assert len(expected["tasks"]) > 0
    for name in ("documents", "tasks"):
        pd.testing.assert_frame_equal(got[name], expected[name], check_like=True)
