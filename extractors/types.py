"""Document types of NĐ 30/2020 (Phụ lục III) and their codes in a ký hiệu."""
from __future__ import annotations

import functools
import re
from pathlib import Path

from dondoc.langdata import load_yaml

DATA = Path(__file__).parent / "data"


@functools.cache
def _types() -> list[dict]:
    return load_yaml(DATA / "doc_types.yaml")["types"]


@functools.cache
def type_names() -> tuple[str, ...]:
    return tuple(t["name"] for t in _types())


def letter_type() -> str:
    """The type of a letter with a `V/v` subject and no type line."""
    return load_yaml(DATA / "doc_types.yaml")["letter_type"]


@functools.cache
def _codes() -> dict[str, str]:
    return {code.upper(): t["name"] for t in _types() for code in t["codes"]}


def type_from_symbol(symbol: str | None) -> str | None:
    """The type a ký hiệu names, or `Công văn` when it names none.

    NĐ 30 gives every type but the Công văn a code as the symbol's first part
    (`KH-UBND`, party style `TB/TU`, regulatory `2021/QĐ-UBND`).

    >>> type_from_symbol("KH-UBND"), type_from_symbol("2021/QĐ-UBND"), type_from_symbol("TB/TU")
    ('Kế hoạch', 'Quyết định', 'Thông báo')
    >>> type_from_symbol("UBND-NC"), type_from_symbol("SGTVT-VP")
    ('Công văn', 'Công văn')
    """
    if not symbol:
        return None
    parts = [p for p in re.split(r"[\-/]", symbol) if p and not p.isdigit()]
    if not parts:
        return None
    first = parts[0].upper()
    if first in _codes():
        return _codes()[first]
    # Law numbers end in the issuing Quốc hội's term: 64/2025/QH15.
    stem = first.rstrip("0123456789")
    if stem in _codes() and stem != first:
        return _codes()[stem]
    return letter_type() if len(parts) >= 2 else None


def issuer_code(symbol: str | None) -> str | None:
    """The part of a ký hiệu that names the issuing body (`SGTVT` in `SGTVT-VP`,
    `UBND` in `KH-UBND`).

    >>> issuer_code("SGTVT-VP"), issuer_code("KH-UBND"), issuer_code("2021/QĐ-UBND")
    ('SGTVT', 'UBND', 'UBND')
    """
    if not symbol:
        return None
    parts = [p for p in re.split(r"[\-/]", symbol) if p and not p.isdigit()]
    if parts and parts[0].upper() in _codes():
        parts = parts[1:]
    return parts[0] if parts else None

