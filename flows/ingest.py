"""The `ingest` Prefect flow: the same stages as flows.pipeline, with Prefect's
retries, task runners (threads by default, Dask for a cluster) and run history.

The flow only wires: plan and store come from flows.pipeline/store, each file is
one `read_letter` task (retried when the failure is transient, e.g. a killed OCR
subprocess), and a bad file never stops the flow.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Sequence

from prefect import flow, get_run_logger, task

from dondoc import errors
from dondoc.settings import Settings
from flows import pipeline


class TransientFailure(Exception):
    """Raised inside the task so Prefect retries it; the last result is kept after retries."""


@task(name="read-letter", retries=1, retry_delay_seconds=2,
      retry_condition_fn=lambda task, run, state: isinstance(state.result(raise_on_failure=False),
                                                            TransientFailure))
def read_letter(item: pipeline.WorkItem, settings: Settings) -> pipeline.FileResult:
    result = pipeline.process_file(item, settings)
    if result.transient:
        raise TransientFailure(result.error["detail"] if result.error else "transient failure")
    return result


def _task_runner(settings: Settings):
    if settings.dask_address:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=settings.dask_address)
    from prefect.task_runners import ThreadPoolTaskRunner

    return ThreadPoolTaskRunner(max_workers=settings.workers)


def _map_with_prefect(items: Sequence[pipeline.WorkItem], settings: Settings) -> list[pipeline.FileResult]:
    logger = get_run_logger()
    futures = [read_letter.submit(item, settings) for item in items]
    results = []
    for item, future in zip(items, futures):
        try:
            result = future.result()
        except TransientFailure:
            result = pipeline.process_file(item, settings)  # retries exhausted: record the error row
        if result.error:
            logger.warning("%s put aside: %s (%s)", item.source_path, result.error["reason"], result.error["detail"])
        for note in result.notes:
            logger.info("%s: %s", item.source_path, note)
        results.append(result)
    return results


@flow(name="ingest", log_prints=True)
def ingest_flow(inbox: str, settings: Settings, wait: float = 600.0) -> pipeline.RunSummary:
    summary = pipeline.run(Path(inbox), settings, process_many=_map_with_prefect, lock_timeout=wait)
    get_run_logger().info("read %d file(s), %d put aside, %d task(s), %d overdue",
                          summary.files_read, len(summary.errors), summary.tasks, summary.overdue)
    return summary


def ingest(inbox: str, settings: Settings, wait: float = 600.0) -> pipeline.RunSummary:
    """Run the flow with the task runner the settings ask for."""
    return ingest_flow.with_options(task_runner=_task_runner(settings))(inbox, settings, wait)
