"""The `ingest` Prefect flow: the same stages as flows.pipeline, with Prefect's
retries, task runners and run history.

The flow only wires: plan and store come from flows.pipeline/store, each file is
read by a `read-letters` task over a batch of files (retried when a failure is
transient, e.g. a killed OCR subprocess), and a bad file never stops the flow.

Where the tasks run (`task_runner_for`), no scheduling code of our own:
- `--dask-address tcp://host:8786`: on that existing Dask cluster (prefect-dask),
  which is how one inbox is spread over several machines (docs/scaling.md);
- `--workers N` (N > 1) with a large batch: on a local Dask cluster of N
  single-threaded worker *processes*, because read/normalize/extract are
  CPU-bound Python and threads would share one GIL;
- otherwise (one worker, or under PROCESS_MIN_FILES_PER_WORKER files per worker,
  where starting the cluster costs more than it saves): Prefect's thread pool.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

from prefect import flow, get_run_logger, task

from dondoc.settings import Settings
from flows import pipeline

# Starting a local Dask cluster (scheduler, nannies, N workers importing our stages)
# costs about 8 s of CPU on 2 cores, and a text letter ~0.08 s: measured on 100
# letters, threads took 15.8 s and worker processes 20.5 s (benchmarks/pipeline.py).
# Processes pay off from about a hundred letters per worker.
PROCESS_MIN_FILES_PER_WORKER = 100


class TransientFailure(Exception):
    """Raised inside the task so Prefect retries it; the last result is kept after retries."""


@task(name="read-letters", retries=1, retry_delay_seconds=2,
      retry_condition_fn=lambda task, run, state: isinstance(state.result(raise_on_failure=False),
                                                            TransientFailure))
def read_letters(items: tuple[pipeline.WorkItem, ...], settings: Settings) -> list[pipeline.FileResult]:
    """A batch of files, one after the other (see `batches` for why not one task per file)."""
    results = [pipeline.process_file(item, settings) for item in items]
    transient = [r for r in results if r.transient]
    if transient:
        raise TransientFailure("; ".join(r.error["detail"] for r in transient if r.error) or "transient failure")
    return results


# A Prefect task costs about 0.1-0.2 s of CPU of its own (task-run records, state
# changes, logs), as much as reading a text letter. Batches of files amortise it;
# several batches per worker keep the workers evenly loaded when scans (seconds a
# page) and text letters (a tenth of a second) are mixed.
BATCHES_PER_WORKER = 4
MAX_BATCH = 25


def batches(items: Sequence[pipeline.WorkItem], workers: int) -> list[tuple[pipeline.WorkItem, ...]]:
    """Split `items` into batches: at least BATCHES_PER_WORKER per worker, at most MAX_BATCH files.

    >>> [len(b) for b in batches(list(range(100)), 2)]
    [13, 13, 13, 13, 13, 13, 13, 9]
    """
    size = max(1, min(MAX_BATCH, -(-len(items) // (BATCHES_PER_WORKER * max(workers, 1)))))
    return [tuple(items[i:i + size]) for i in range(0, len(items), size)]


def task_runner_for(settings: Settings, files_to_read: int):
    """The Prefect task runner for a run that will read `files_to_read` files."""
    if settings.dask_address:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=settings.dask_address)
    if settings.workers > 1 and files_to_read >= PROCESS_MIN_FILES_PER_WORKER * settings.workers:
        from prefect_dask import DaskTaskRunner

        # One thread per process: the parallelism is in the processes, not the GIL.
        return DaskTaskRunner(cluster_class="distributed.LocalCluster",
                              cluster_kwargs={"n_workers": min(settings.workers, files_to_read),
                                              "threads_per_worker": 1, "processes": True,
                                              "dashboard_address": None})
    from prefect.task_runners import ThreadPoolTaskRunner

    return ThreadPoolTaskRunner(max_workers=settings.workers)


def _map_with_prefect(items: Sequence[pipeline.WorkItem], settings: Settings) -> list[pipeline.FileResult]:
    logger = get_run_logger()
    workers = settings.workers
    chunks = batches(items, workers)
    futures = [read_letters.submit(chunk, settings) for chunk in chunks]
    results = []
    for chunk, future in zip(chunks, futures):
        try:
            chunk_results = future.result()
        except TransientFailure:  # retries exhausted: read once more here to record the error rows
            chunk_results = [pipeline.process_file(item, settings) for item in chunk]
        for result in chunk_results:
            source_path = result.item.source_path
            if result.error:
                logger.warning("%s put aside: %s (%s)", source_path, result.error["reason"], result.error["detail"])
            for note in result.notes:
                logger.info("%s: %s", source_path, note)
        results.extend(chunk_results)
    return results


@flow(name="ingest", log_prints=True)
def ingest_flow(inbox: str, settings: Settings, wait: float = 600.0) -> pipeline.RunSummary:
    summary = pipeline.run(Path(inbox), settings, process_many=_map_with_prefect, lock_timeout=wait)
    get_run_logger().info("read %d file(s), %d put aside, %d task(s), %d overdue",
                          summary.files_read, len(summary.errors), summary.tasks, summary.overdue)
    return summary


def ingest(inbox: str, settings: Settings, wait: float = 600.0) -> pipeline.RunSummary:
    """Run the flow with the task runner the settings and the amount of work ask for."""
    # Work items carry the file's path: make it absolute, so that a Dask worker whose
    # working folder differs (another machine mounting the same share) finds the file.
    inbox = os.path.abspath(inbox)
    runner = task_runner_for(settings, _files_to_read(inbox, settings))
    with _prefect_api():
        return ingest_flow.with_options(task_runner=runner)(inbox, settings, wait)


# Prefect gives its temporary server 20 s to answer; on a busy machine (a run competing
# with OCR for two cores) it has been seen to need 30 s.
TEMPORARY_SERVER_TIMEOUT_S = 120


@contextmanager
def _prefect_api() -> Iterator[None]:
    """Without PREFECT_API_URL, start Prefect's temporary server here, and name it in
    the settings context.

    Prefect would start it on first use, but then only this process knows where it
    is: a Dask worker process would try to start its own and time out. prefect-dask
    ships the settings context with every task, so the workers reach this one. A real
    deployment sets PREFECT_API_URL everywhere (docs/scaling.md) and this does nothing."""
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_ALLOW_EPHEMERAL_MODE, temporary_settings

    if PREFECT_API_URL.value() or not PREFECT_SERVER_ALLOW_EPHEMERAL_MODE.value():
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    server.start(timeout=TEMPORARY_SERVER_TIMEOUT_S)
    with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
        yield


def _files_to_read(inbox: str, settings: Settings) -> int:
    """How many files the run will read: a preview of the run's own plan (stat calls and
    hashes of changed files only), so an unchanged inbox starts no worker processes."""
    folder = Path(inbox)
    if not folder.is_dir():
        return 0  # the run itself reports the missing inbox
    return len(pipeline.plan_run(folder, settings.out_dir).to_process)
