"""Repair and normalize Vietnamese text: a chain of named, explainable steps.

`normalize(source)` is the stage function; `normalizers.chain` holds the order.
"""
from normalizers.chain import normalize, normalize_text, REPAIR_STEPS

__all__ = ["normalize", "normalize_text", "REPAIR_STEPS"]
