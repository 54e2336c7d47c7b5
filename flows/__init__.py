"""Orchestration: the plain pipeline (`flows.pipeline`, the library API), the Prefect
flows (`flows.ingest`, `flows.nightly`) and the `dondoc` command (`flows.cli`)."""
