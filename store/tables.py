"""Records -> typed DataFrames -> Parquet + CSV (UTF-8 with BOM), validated first."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Iterable

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from store.commit import staged_path
from store.schemas import ARROW_SCHEMAS, PANDERA_SCHEMAS

TABLES = ("documents", "tasks", "errors")


def records_frame(records: Iterable, name: str) -> pd.DataFrame:
    """Dataclass records (or dicts) -> a DataFrame with every contract column."""
    rows = [dataclasses.asdict(r) if dataclasses.is_dataclass(r) else dict(r) for r in records]
    schema = ARROW_SCHEMAS[name]
    frame = pd.DataFrame(rows, columns=schema.names) if rows else empty_frame(name)
    return conform(frame, name)


def empty_frame(name: str) -> pd.DataFrame:
    return ARROW_SCHEMAS[name].empty_table().to_pandas()


def conform(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Give every contract column its type: lists as lists, dates as dates, NaN as None."""
    schema = ARROW_SCHEMAS[name]
    frame = frame.copy()
    for field in schema:
        if field.name not in frame.columns:
            frame[field.name] = None
        column = frame[field.name]
        if pa.types.is_list(field.type):
            frame[field.name] = [_as_list(v) for v in column]
        elif pa.types.is_date(field.type):
            frame[field.name] = [_as_date(v) for v in column]
        elif pa.types.is_boolean(field.type):
            frame[field.name] = pd.Series([False if _missing(v) else bool(v) for v in column],
                                          dtype=bool, index=frame.index)
        elif pa.types.is_integer(field.type):
            frame[field.name] = pd.array([None if _missing(v) else int(v) for v in column], dtype="Int64")
        elif pa.types.is_floating(field.type):
            frame[field.name] = pd.array([None if _missing(v) else float(v) for v in column], dtype="Float64").astype(float)
        elif pa.types.is_string(field.type):
            frame[field.name] = pd.Series([None if _missing(v) else str(v) for v in column], dtype=object,
                                          index=frame.index)
    ordered = list(schema.names) + [c for c in frame.columns if c not in schema.names]
    return frame[ordered].reset_index(drop=True)


def _missing(v) -> bool:
    if v is None:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _as_list(v) -> list[str]:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return []
    if isinstance(v, str):
        try:
            parsed = json.loads(v)
        except json.JSONDecodeError:
            return [v] if v else []
        return [str(x) for x in parsed] if isinstance(parsed, list) else [v]
    return [str(x) for x in v]


def _as_date(v):
    if _missing(v):
        return None
    if hasattr(v, "date") and callable(v.date):
        return v.date()
    if isinstance(v, str):
        return pd.Timestamp(v).date()
    return v


def validate(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    return PANDERA_SCHEMAS[name].validate(frame, lazy=True)


def to_arrow(frame: pd.DataFrame, name: str) -> pa.Table:
    schema = ARROW_SCHEMAS[name]
    extra = [c for c in frame.columns if c not in schema.names]
    fields = list(schema) + [pa.field(c, pa.string()) for c in extra]
    data = {}
    for f in fields:
        values = frame[f.name].tolist()
        if pa.types.is_list(f.type):
            data[f.name] = values
        elif f.name in schema.names:
            data[f.name] = [None if _missing(v) else v for v in values]  # pd.NA is not Arrow's null
        else:
            data[f.name] = [None if _missing(v) else str(v) for v in values]
    return pa.Table.from_pydict(data, schema=pa.schema(fields))


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with BOM (Excel reads Vietnamese right); lists as JSON arrays."""
    out = frame.copy()
    for column in out.columns:
        if any(isinstance(v, list) for v in out[column]):
            out[column] = [json.dumps(v, ensure_ascii=False) for v in out[column]]
    return out.to_csv(index=False, date_format="%Y-%m-%d").encode("utf-8-sig")


def stage_table(frame: pd.DataFrame, name: str, out_dir: Path) -> dict[Path, Path]:
    """Validate and write NAME.parquet and NAME.csv to temp files; return final -> temp."""
    frame = validate(conform(frame, name), name)
    staged = {}
    parquet = out_dir / f"{name}.parquet"
    tmp = staged_path(parquet)
    pq.write_table(to_arrow(frame, name), tmp)
    staged[parquet] = tmp
    csv = out_dir / f"{name}.csv"
    tmp = staged_path(csv)
    tmp.write_bytes(to_csv_bytes(frame))
    staged[csv] = tmp
    return staged


def read_table(out_dir: Path, name: str) -> pd.DataFrame:
    """The table as last committed, or an empty one with the contract's columns."""
    path = out_dir / f"{name}.parquet"
    if not path.exists():
        return empty_frame(name)
    frame = pq.read_table(path).to_pandas(types_mapper=None)
    return conform(frame, name)
