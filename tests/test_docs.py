"""Docs are part of the product (Datasette's test_docs): every command, error and
repair the code has must be documented."""
from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from dondoc import errors
from flows.cli import app
from normalizers.chain import REPAIR_STEPS

DOCS = Path(__file__).resolve().parent.parent / "docs"


def all_docs() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in DOCS.glob("*.md"))


@pytest.mark.parametrize("command", [c.name or c.callback.__name__ for c in app.registered_commands])
def test_every_command_is_in_the_cli_reference(command):
    assert f"## dondoc {command}" in (DOCS / "cli.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [n for n, c in inspect.getmembers(errors, inspect.isclass)
                                  if issubclass(c, errors.DondocError)])
def test_every_error_is_explained(name):
    assert f"| {name} |" in (DOCS / "errors.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("repair", [s.name for s in REPAIR_STEPS])
def test_every_repair_is_documented(repair):
    assert f"`{repair}`" in all_docs()
