"""Store: the output tables (Parquet + CSV with BOM), the run state that makes runs
incremental, the status ledger, and the overdue computation.

Every write goes through `store.commit`: files are staged as temp files and
swapped in together under a journal, so a run killed at any moment leaves the
tables as before or as after, never half-written.
"""
