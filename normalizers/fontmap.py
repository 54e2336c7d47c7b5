"""PDF font-map corruption (`tánh` for `tỉnh`, `Āy ban` for `Ủy ban`). Placeholder until built."""


def looks_font_mapped(text: str) -> bool:
    return False


def repair_font_map(text: str) -> str:
    return text
