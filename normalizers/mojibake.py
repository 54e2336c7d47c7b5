"""Mojibake: UTF-8 bytes read as cp1252/latin-1 (`á»§` for `ủ`). Placeholder until built."""


def looks_like_mojibake(text: str) -> bool:
    return False


def fix_mojibake(text: str) -> str:
    return text
