"""The settings and data references cannot rot (as tests/test_docs.py does for commands,
errors and repairs): every Settings field, command-line option and environment variable
the code reads is in docs/settings.md, and every data file is in docs/data.md."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
import typer.main

from dondoc.settings import Settings
from flows.cli import app

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CODE_DIRS = ("dondoc", "readers", "normalizers", "extractors", "store", "flows")
DATA_DIRS = ("normalizers/data", "extractors/data")

# os.environ.get("X"), os.environ["X"], os.environ.setdefault("X", ...), os.getenv("X")
ENV_READ = re.compile(r"""(?:environ(?:\.get|\.setdefault)?\s*[\[(]|getenv\s*\()\s*["']([A-Z][A-Z0-9_]*)["']""")
DONDOC_VAR = re.compile(r"\bDONDOC_[A-Z0-9_]+\b")


def settings_doc() -> str:
    return (DOCS / "settings.md").read_text(encoding="utf-8")


def python_files(dirs) -> list[Path]:
    return sorted(p for d in dirs for p in (ROOT / d).rglob("*.py")
                  if "__pycache__" not in p.parts and p.resolve() != Path(__file__).resolve())


def env_vars_read() -> set[str]:
    """Environment variables the shipped code reads, and every DONDOC_* name in code or tests."""
    names: set[str] = set()
    for path in python_files(CODE_DIRS):
        names.update(ENV_READ.findall(path.read_text(encoding="utf-8")))
    for path in python_files(CODE_DIRS + ("tests",)):
        names.update(DONDOC_VAR.findall(path.read_text(encoding="utf-8")))
    return names


def cli_options() -> list[tuple[str, str]]:
    command = typer.main.get_command(app)
    return [(name, opt) for name, sub in command.commands.items() for param in sub.params
            for opt in param.opts if opt.startswith("--") and opt != "--help"]


def data_files() -> list[str]:
    """Every file in the data folders, with lm_corpus/ standing for itself."""
    found = []
    for folder in DATA_DIRS:
        for path in sorted((ROOT / folder).iterdir()):
            if path.name.startswith((".", "__")):
                continue
            found.append(path.name + ("/" if path.is_dir() else ""))
    return found


@pytest.mark.parametrize("field", [f.name for f in dataclasses.fields(Settings)])
def test_every_settings_field_is_documented(field):
    assert f"| `{field}` |" in settings_doc()


def test_environment_variables_are_found():
    assert "PREFECT_API_URL" in env_vars_read()  # the scan itself works


@pytest.mark.parametrize("variable", sorted(env_vars_read()))
def test_every_environment_variable_read_is_documented(variable):
    assert f"`{variable}`" in settings_doc()


@pytest.mark.parametrize("command, option", cli_options())
def test_every_cli_option_is_in_the_settings_page(command, option):
    assert f"`{option}`" in settings_doc(), f"dondoc {command} {option}"


@pytest.mark.parametrize("name", data_files())
def test_every_data_file_is_described(name):
    assert f"`{name}`" in (DOCS / "data.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["SOURCES.md", "manifest.tsv"])
def test_the_lm_corpus_records_are_described(name):
    assert f"`lm_corpus/{name}`" in (DOCS / "data.md").read_text(encoding="utf-8")
