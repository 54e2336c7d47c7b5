"""`dondoc serve INBOX`: the Prefect deployments, served from this one process.

- `watched-ingest/inbox`: ingests the inbox. A watcher thread (flows.watch) starts a
  run of it whenever newly written files have settled, and an hourly schedule
  catches up on anything missed while the process was down.
- `nightly-overdue/nightly`: recomputes overdue/next_due and rewrites overdue.csv and
  report.html on a cron schedule (default 02:00 Asia/Ho_Chi_Minh).

With `PREFECT_API_URL` set, they register with that server. Otherwise a local
server is started (`prefect server start`, UI on http://127.0.0.1:4200) and stopped
when serve stops.
"""
from __future__ import annotations

import datetime as dt
import functools
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from prefect import flow

from dondoc import errors
from dondoc.settings import Settings
from flows import pipeline, watch
from flows.nightly import nightly_overdue, run_logger

INGEST_DEPLOYMENT = "inbox"
NIGHTLY_DEPLOYMENT = "nightly"
CATCH_UP_EVERY = dt.timedelta(hours=1)
LOCAL_SERVER_PORT = 4200
SERVER_START_TIMEOUT = 120.0  # a first start migrates the server's database (about 30 s)
REGISTER_WAIT_SECONDS = 60  # at start, the watcher may ask for a run before serve() registered it
RUNNER_POLL_SECONDS = "2"  # how soon a run the watcher asks for starts (Prefect's default: 10 s)


@flow(name="watched-ingest", log_prints=True)
def watched_ingest(inbox: str, out_dir: str, unsettled: list[str] | None = None) -> dict:
    """Ingest the inbox, leaving out files still being written (they come next time).

    The watcher passes the files it saw still changing; a scheduled run (unsettled is
    None) judges them from their modification times and PDF end markers."""
    settings = Settings(out_dir=Path(out_dir))
    if unsettled is None:
        unsettled = sorted(watch.unsettled_files(Path(inbox)))
    summary = pipeline.run(Path(inbox), settings,
                           process_many=watch.settled_only(set(unsettled)), lock_timeout=600)
    logger = run_logger()
    for e in summary.errors:
        logger.warning("%s put aside: %s (%s)", e["source_path"], e["reason"], e["detail"])
    logger.info("read %d file(s), %d put aside; %d document(s), %d task(s), %d overdue",
                summary.files_read, len(summary.errors), summary.documents, summary.tasks, summary.overdue)
    return {"read": summary.files_read, "put_aside": len(summary.errors), "tasks": summary.tasks,
            "overdue": summary.overdue}


def build_deployments(inbox: Path, settings: Settings, cron: str = "0 2 * * *",
                      timezone: str = "Asia/Ho_Chi_Minh") -> list:
    """The two RunnerDeployments, with absolute paths so runs do not depend on a cwd."""
    from prefect.schedules import Cron, Interval

    check_timezone(timezone)
    inbox_path, out_path = str(inbox.resolve()), str(settings.out_dir.resolve())
    return [
        watched_ingest.to_deployment(
            name=INGEST_DEPLOYMENT, parameters={"inbox": inbox_path, "out_dir": out_path},
            schedules=[Interval(CATCH_UP_EVERY, timezone=timezone)], concurrency_limit=1,
            description=f"Ingest letters dropped into {inbox_path} (started by the watcher; hourly catch-up)."),
        nightly_overdue.to_deployment(
            name=NIGHTLY_DEPLOYMENT, parameters={"out_dir": out_path, "inbox": inbox_path},
            schedules=[Cron(cron, timezone=timezone)], concurrency_limit=1,
            description=f"Recompute overdue obligations in {out_path} ({cron}, {timezone})."),
    ]


def check_timezone(timezone: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise errors.BadArguments(f"unknown time zone {timezone!r} (e.g. Asia/Ho_Chi_Minh)") from e


def serve_deployments(inbox: Path, settings: Settings, cron: str = "0 2 * * *",
                      timezone: str = "Asia/Ho_Chi_Minh") -> None:
    """Serve both deployments until Ctrl-C; start a local Prefect server if none is given."""
    from prefect.settings import PREFECT_API_URL

    pipeline.check_run(inbox, settings)
    check_cron(cron)
    check_timezone(timezone)
    server = None
    api_url = os.environ.get("PREFECT_API_URL") or str(PREFECT_API_URL.value() or "")
    if not api_url:
        server, api_url = start_local_server()
    # Prefect reads its settings when imported, and a settings context belongs to one
    # thread: so the URL goes into the environment (for the flow-run subprocesses) and
    # into a context in this thread and in the watcher's.
    os.environ["PREFECT_API_URL"] = api_url
    os.environ.setdefault("PREFECT_RUNNER_POLL_FREQUENCY", RUNNER_POLL_SECONDS)
    stop = threading.Event()
    try:
        with prefect_api(api_url):
            deployments = build_deployments(inbox, settings, cron, timezone)
            watcher = threading.Thread(target=watch.watch_inbox, name="inbox-watcher", daemon=True,
                                       args=(inbox, settings, stop, functools.partial(trigger_ingest, api_url=api_url)))
            watcher.start()
            print(f"Prefect UI: {api_url.removesuffix('/api')} (flow runs of watched-ingest and nightly-overdue)")
            from prefect import serve

            serve(*deployments)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        if server is not None:
            stop_local_server(server)


def prefect_api(api_url: str):
    from prefect.settings import PREFECT_API_URL, PREFECT_RUNNER_POLL_FREQUENCY, temporary_settings

    # The user's PREFECT_RUNNER_POLL_FREQUENCY, when set, wins here as in the subprocesses.
    poll_seconds = int(os.environ.get("PREFECT_RUNNER_POLL_FREQUENCY", RUNNER_POLL_SECONDS))
    return temporary_settings(updates={PREFECT_API_URL: api_url,
                                       PREFECT_RUNNER_POLL_FREQUENCY: poll_seconds})


def trigger_ingest(inbox: Path, settings: Settings, unsettled: set[str], settle_seconds: float,
                   api_url: str | None = None) -> None:
    """The watcher's batch: one run of the ingest deployment, waited for, so that batches
    never overlap (the deployment's concurrency limit is 1 as well)."""
    from prefect.deployments import run_deployment
    from prefect.exceptions import ObjectNotFound

    parameters = {"inbox": str(inbox.resolve()), "out_dir": str(settings.out_dir.resolve()),
                  "unsettled": sorted(unsettled)}
    for _ in range(REGISTER_WAIT_SECONDS):
        try:
            with prefect_api(api_url or os.environ["PREFECT_API_URL"]):
                run_deployment(f"watched-ingest/{INGEST_DEPLOYMENT}", timeout=None, poll_interval=2,
                               parameters=parameters, as_subflow=False)
            return
        except ObjectNotFound:  # serve() has not registered the deployment yet
            time.sleep(1)
    raise errors.RunError("the watched-ingest deployment was not registered with the Prefect server")


def check_cron(cron: str) -> None:
    from prefect.schedules import Cron

    try:
        Cron(cron)
    except ValueError as e:
        raise errors.BadArguments(f"--cron {cron!r} is not a cron expression (e.g. '0 2 * * *')") from e


def free_port(preferred: int = LOCAL_SERVER_PORT) -> int:
    with socket.socket() as s:
        if s.connect_ex(("127.0.0.1", preferred)) != 0:
            return preferred
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_local_server(port: int | None = None, home: Path | None = None) -> tuple[subprocess.Popen, str]:
    """`prefect server start` as a child process; returns it and its API URL once healthy.
    `home` is its PREFECT_HOME (database, logs); default: the user's ~/.prefect."""
    port = port or free_port()
    prefect = shutil.which("prefect", path=str(Path(sys.executable).parent)) or "prefect"
    env = {**os.environ, "PREFECT_HOME": str(home)} if home else None
    process = subprocess.Popen([prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, env=env)
    api_url = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    print(f"starting a local Prefect server on http://127.0.0.1:{port} …")
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise errors.RunError(f"`prefect server start` exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
                if response.status == 200:
                    return process, api_url
        except OSError:
            time.sleep(0.5)
    stop_local_server(process)
    raise errors.RunError(f"the local Prefect server did not answer on {api_url} within {SERVER_START_TIMEOUT:.0f} s")


def stop_local_server(process: subprocess.Popen) -> None:
    """Stop the server we started (its own process group: uvicorn workers included)."""
    import signal

    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
