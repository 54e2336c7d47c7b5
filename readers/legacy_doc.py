"""Legacy Word 97-2003 files (.doc, OLE2): convert with LibreOffice, read runs with their fonts.

Old letters were typed in 8-bit fonts (`.VnTime` is TCVN3, `VNI-Times` is VNI), often
next to Unicode text, so each run keeps the font Word would draw it with; the
normalizer decodes each run by its font (`normalizers.chain.decode_runs`).

The font of a run is resolved the way Word does for non-ASCII characters: `w:hAnsi`
(then `w:ascii`) from the run's own properties, its character style, the paragraph
style and the styles it is based on, then the document defaults. Many legacy files set
the font only on the Normal style, so reading `run.font.name` alone misses most text.

LibreOffice runs headless with a profile folder of its own per call, so parallel
conversions never share (and lock) one profile, and under a timeout.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Sequence


from dondoc import errors
from dondoc.models import Page, Source
from dondoc.settings import Settings
from readers.docx import docx_runs

CONVERT_TIMEOUT_S = 180  # a 200-page .doc converts in well under a minute on one core
def soffice_path() -> str:
    """The LibreOffice program, or ToolMissing with what to install."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise errors.ToolMissing("LibreOffice (soffice) is not on PATH; install it to read .doc files "
                             "(Debian/Ubuntu: apt-get install libreoffice-writer)")


def convert_to_docx(paths: Sequence[Path], out_dir: Path, timeout: float = CONVERT_TIMEOUT_S) -> list[Path]:
    """Convert .doc files to .docx in `out_dir` with one headless LibreOffice call.

    Returns the .docx paths in the order given; raises CorruptFile if LibreOffice
    fails, times out, or writes nothing for a file.
    """
    soffice = soffice_path()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dondoc-soffice-") as profile:
        command = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                   "--norestore", "--convert-to", "docx", "--outdir", str(out_dir),
                   *(str(p) for p in paths)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            raise errors.CorruptFile(f"LibreOffice did not finish converting in {timeout:.0f} s",
                                     path=str(paths[0])) from e
    results = []
    for path in paths:
        target = out_dir / (path.stem + ".docx")
        if not target.exists() or target.stat().st_size == 0:
            raise errors.CorruptFile(f"LibreOffice could not convert {path.name} "
                                     f"(exit {done.returncode}): {done.stderr.strip()[-300:]}",
                                     path=str(path))
        results.append(target)
    return results


_WORD_STREAM = "WordDocument".encode("utf-16-le")  # name of the text stream in the OLE2 directory


def check_word_file(path: Path) -> None:
    """Refuse OLE2 files that hold no Word document (an .xls, .ppt, .msg or damaged file):
    LibreOffice would otherwise import their bytes as text and give garbage."""
    with open(path, "rb") as f:
        data = f.read()
    if _WORD_STREAM not in data:
        # The OLE2 header says where the directory sector is; past the end means truncated.
        sector_size = 1 << int.from_bytes(data[0x1E:0x20], "little") if len(data) >= 0x34 else 512
        directory = int.from_bytes(data[0x30:0x34], "little") if len(data) >= 0x34 else 0
        if len(data) < 512 + (directory + 1) * sector_size:
            raise errors.CorruptFile(f"OLE2 file cut short: {len(data)} bytes, directory expected at "
                                     f"{512 + directory * sector_size}", path=str(path))
        kind = "an Excel workbook" if "Workbook".encode("utf-16-le") in data else "not a Word document"
        raise errors.UnsupportedFormat(f"OLE2 file without a WordDocument stream ({kind})", path=str(path))


def read_legacy_doc(path: Path, source_path: str, doc_id: str, settings: Settings) -> Source:
    """The reader for sniffed OLE2 `.doc` files: one page of font-tagged runs."""
    check_word_file(path)
    with tempfile.TemporaryDirectory(prefix="dondoc-doc-") as tmp:
        # LibreOffice names its output after the input; copy to a plain name so odd
        # characters in the inbox file name cannot confuse it.
        plain = Path(tmp) / "input.doc"
        shutil.copyfile(path, plain)
        (converted,) = convert_to_docx([plain], Path(tmp) / "out")
        runs = docx_runs(converted)
    return Source(path=str(path), source_path=source_path, doc_id=doc_id, source_format="doc",
                  text_source="text", pages=(Page(1, runs),),
                  notes=("converted from .doc with LibreOffice",))
