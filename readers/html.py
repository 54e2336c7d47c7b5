"""Saved web pages (.html): the letter without the web site's chrome.

Portals that publish letters wrap them in menus, banners, share buttons and
footers. We drop the elements that are chrome by tag (nav, header, footer,
aside, script, form...) or by a class/id naming a chrome role, then read the
main content (`<main>`, `<article>`, or the block holding the most text), one
line per block element and one line per table cell, so a two-column NĐ 30
header table reads agency block first, then the national motto.
"""
from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag

from dondoc.models import Page, Source, TextRun
from dondoc.settings import Settings
from readers.text import decode_bytes

CHROME_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form",
               "iframe", "button", "svg", "select", "input", "menu", "template")
# class/id words that name a chrome role on real portals (menus, banners, share bars)
CHROME_NAMES = re.compile(
    r"(^|[-_\s])(nav|navbar|menu|breadcrumbs?|banner|footer|header|sidebar|social|share|"
    r"cookie|advert|ads|related|comment|login|search|toolbar|popup|modal)([-_\s]|$)", re.I)
BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table",
              "section", "article", "main", "blockquote", "pre", "ul", "ol", "dd", "dt"}
CELL_TAGS = {"td", "th"}


def read_html(path: Path, source_path: str, doc_id: str, settings: Settings) -> Source:
    raw, decoded_as = decode_bytes(path.read_bytes())
    return Source(path=str(path), source_path=source_path, doc_id=doc_id, source_format="html",
                  text_source="text", pages=(Page(1, (TextRun(html_to_text(raw)),)),),
                  decoded_as=decoded_as)


def html_to_text(html: str) -> str:
    """Main text of a page, one line per block.

    >>> html_to_text("<nav>Trang chủ</nav><main><p>Số: 12/UBND-NC</p><p>Kính gửi: Sở Nội vụ</p></main>")
    'Số: 12/UBND-NC\\nKính gửi: Sở Nội vụ'
    """
    soup = BeautifulSoup(html, "lxml")
    for tag in soup.find_all(CHROME_TAGS):
        tag.decompose()
    for tag in soup.find_all(_is_chrome_by_name):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or _densest_block(soup) or soup
    lines: list[str] = []
    _collect(root, lines, [])
    text = "\n".join(line.strip() for line in "".join(lines).split("\n"))
    return re.sub(r"\n{2,}", "\n", text).strip()


def _is_chrome_by_name(tag: Tag) -> bool:
    if tag.name in ("html", "body", "main", "article"):
        return False
    names = " ".join(tag.get("class") or []) + " " + (tag.get("id") or "")
    return bool(CHROME_NAMES.search(names))


def _densest_block(soup: BeautifulSoup) -> Tag | None:
    """The block whose own direct paragraphs hold the most text (content, not a wrapper)."""
    best, best_len = None, 0
    for tag in soup.find_all(["div", "section", "td"]):
        own = sum(len(child.get_text(" ", strip=True)) for child in tag.find_all(["p", "table"], recursive=False))
        if own > best_len:
            best, best_len = tag, own
    return best


def _collect(node: Tag, out: list[str], stack: list[str]) -> None:
    for child in node.children:
        if isinstance(child, NavigableString):
            text = re.sub(r"\s+", " ", str(child))
            if text.strip() or (out and not out[-1].endswith("\n")):
                out.append(text)
            continue
        if not isinstance(child, Tag):
            continue
        if child.name == "br":
            out.append("\n")
            continue
        block = child.name in BLOCK_TAGS or child.name in CELL_TAGS
        if block:
            out.append("\n")
        _collect(child, out, stack)
        if block:
            out.append("\n")
