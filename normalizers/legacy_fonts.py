"""Legacy Vietnamese encodings: TCVN3 (ABC), VNI-Windows, VIQR. Placeholder until built."""


def encoding_of_font(font: str | None) -> str | None:
    """'tcvn3' for .VnTime-family fonts, 'vni' for VNI-* fonts, else None."""
    return None


def decode_run(text: str, font: str | None) -> str:
    return text


def looks_like_tcvn3(text: str) -> bool:
    return False


def decode_tcvn3(text: str) -> str:
    return text


def looks_like_vni(text: str) -> bool:
    return False


def decode_vni(text: str) -> str:
    return text


def looks_like_viqr(text: str) -> bool:
    return False


def decode_viqr(text: str) -> str:
    return text
