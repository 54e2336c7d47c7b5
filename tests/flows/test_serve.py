"""`dondoc serve`: the two deployments (watched ingest, nightly overdue on a cron in
Asia/Ho_Chi_Minh) are built right, and the nightly flow recomputes overdue rows.

Serving for real needs a Prefect server, whose first start takes about 30 s here, so
the deployment objects are checked without serving; docs/daily.md shows how to watch
the served runs in the Prefect UI."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from dondoc import errors
from dondoc.settings import Settings
from flows import serve
from flows.nightly import nightly_overdue

SEEDS = Path(__file__).parent.parent / "fixtures" / "seeds"


def test_deployments_are_the_ingest_and_the_nightly_cron(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    ingest, nightly = serve.build_deployments(inbox, Settings(out_dir=tmp_path / "out"))
    assert (ingest.flow_name, ingest.name) == ("watched-ingest", "inbox")
    assert ingest.parameters == {"inbox": str(inbox.resolve()), "out_dir": str((tmp_path / "out").resolve())}
    assert (nightly.flow_name, nightly.name) == ("nightly-overdue", "nightly")
    [schedule] = nightly.schedules
    assert schedule.schedule.cron == "0 2 * * *"
    assert schedule.schedule.timezone == "Asia/Ho_Chi_Minh"
    assert nightly.parameters["out_dir"] == str((tmp_path / "out").resolve())


def test_the_nightly_schedule_is_configurable(tmp_path: Path) -> None:
    _, nightly = serve.build_deployments(tmp_path, Settings(out_dir=tmp_path / "out"),
                                         cron="30 6 * * 1-5", timezone="UTC")
    assert (nightly.schedules[0].schedule.cron, nightly.schedules[0].schedule.timezone) == ("30 6 * * 1-5", "UTC")


def test_a_bad_cron_or_time_zone_is_refused_before_serving(tmp_path: Path) -> None:
    with pytest.raises(errors.BadArguments, match="cron"):
        serve.check_cron("every night")
    with pytest.raises(errors.BadArguments, match="time zone"):
        serve.build_deployments(tmp_path, Settings(out_dir=tmp_path / "out"), timezone="Mars/Olympus")


def test_nightly_flow_recomputes_overdue_without_reading_the_inbox(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    shutil.copy2(SEEDS / "003_0adef7303f31ab3e.txt", inbox)
    serve.watched_ingest.fn(str(inbox), str(out))
    tasks = pd.read_parquet(out / "tasks.parquet")
    if tasks.empty:
        pytest.skip("no obligations extracted from seed 003 yet")
    (inbox / "003_0adef7303f31ab3e.txt").unlink()  # the nightly run must not need the inbox
    late = nightly_overdue.fn(str(out), as_of="2026-11-25")
    assert late == int(pd.read_parquet(out / "tasks.parquet")["overdue"].sum()) > 0
    assert (out / "overdue.csv").is_file() and (out / "report.html").is_file()
    assert nightly_overdue.fn(str(out), as_of="2000-01-01") == 0


def test_nightly_flow_with_nothing_ingested_yet_does_nothing(tmp_path: Path) -> None:
    assert nightly_overdue.fn(str(tmp_path / "empty")) == 0


@pytest.mark.skipif(not __import__("os").environ.get("DONDOC_SERVE_TEST"),
                    reason="starts a Prefect server with a new database (30-60 s); set DONDOC_SERVE_TEST=1")
def test_serve_registers_both_deployments_and_ingests_a_dropped_letter(tmp_path: Path) -> None:
    import json
    import os
    import signal
    import subprocess
    import sys
    import time
    import urllib.request

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    port = serve.free_port(4300)
    server, api_url = serve.start_local_server(port, home=tmp_path / "prefect-server")
    env = {**os.environ, "PREFECT_API_URL": api_url, "PREFECT_HOME": str(tmp_path / "prefect")}
    process = subprocess.Popen([str(Path(sys.executable).parent / "dondoc"), "serve", str(inbox), "--out", str(out)],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        names: set[str] = set()
        while time.monotonic() < deadline and names != {"inbox", "nightly"}:
            request = urllib.request.Request(f"{api_url}/deployments/filter", data=b"{}", method="POST",
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=5) as response:
                names = {d["name"] for d in json.load(response)}
            time.sleep(1)
        assert names == {"inbox", "nightly"}
        shutil.copy2(SEEDS / "003_0adef7303f31ab3e.txt", inbox)
        while time.monotonic() < deadline + 60 and not (out / "documents.parquet").exists():
            time.sleep(1)
        time.sleep(3)
        assert "003_0adef7303f31ab3e.txt" in set(pd.read_parquet(out / "documents.parquet")["source_path"])
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        serve.stop_local_server(server)
