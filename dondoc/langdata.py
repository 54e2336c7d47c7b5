"""Load language data files once (dateparser's LocaleDataLoader, simplified).

Vietnamese knowledge lives in data files beside the code that uses it
(`normalizers/data/`, `extractors/data/`); this module only reads them, once.
YAML for lists people edit, TSV for big tables, JSON for generated output.
"""
from __future__ import annotations

import csv
import functools
import json
from pathlib import Path
from typing import Any

import yaml


@functools.cache
def load_yaml(path: Path) -> Any:
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


@functools.cache
def load_json(path: Path) -> Any:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


@functools.cache
def load_tsv(path: Path) -> tuple[dict[str, str], ...]:
    """Rows of a TSV file with a header line; lines starting with '#' are notes."""
    with open(path, encoding="utf-8", newline="") as f:
        lines = [line for line in f if not line.startswith("#")]
    return tuple(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
