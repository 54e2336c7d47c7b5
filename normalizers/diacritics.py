"""Restore diacritics on accent-less text (OCR without the Vietnamese model). Placeholder."""


def lacks_diacritics(text: str) -> bool:
    return False


def restore_diacritics(text: str) -> str:
    return text
