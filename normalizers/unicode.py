"""Unicode hygiene: NFC, invisible characters, Latin look-alikes. Minimal until built."""
import unicodedata


def needs_nfc(text: str) -> bool:
    return not unicodedata.is_normalized("NFC", text)


def to_nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def has_invisible_chars(text: str) -> bool:
    return False


def remove_invisible_chars(text: str) -> str:
    return text


def has_lookalikes(text: str) -> bool:
    return False


def fix_lookalikes(text: str) -> str:
    return text
