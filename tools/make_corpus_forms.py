"""Make the PDF (with a text layer) and DOCX forms of the sample letters in corpus/.

    python tools/make_corpus_forms.py corpus/

For each `NAME.txt` this writes `forms/NAME.docx` (python-docx, one paragraph
per line, Times New Roman, the way a văn thư's Word file looks) and
`forms/NAME.pdf` (that DOCX printed to PDF by LibreOffice, so the PDF has a real
text layer with wrapped lines). The file names keep the letter's stem, so the
scorer matches each form to the same gold answer. Markdown emphasis marks of
the text form (`**`) are dropped: Word shows bold as formatting, not asterisks.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import docx
from docx.shared import Pt

EMPHASIS = re.compile(r"\*\*|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)")


def write_docx(text: str, path: Path) -> None:
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    style.paragraph_format.space_after = Pt(0)
    for line in text.split("\n"):
        document.add_paragraph(EMPHASIS.sub("", line.rstrip()))
    document.save(path)


def docx_to_pdf(source: Path, out_dir: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        sys.exit("LibreOffice (soffice) is needed to print the DOCX forms to PDF")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(out_dir), str(source)],
                       check=True, capture_output=True, timeout=180)
    return out_dir / (source.stem + ".pdf")


def main(corpus: Path) -> None:
    forms = corpus / "forms"
    forms.mkdir(exist_ok=True)
    for letter in sorted(corpus.glob("*.txt")):
        target = forms / (letter.stem + ".docx")
        write_docx(letter.read_text(encoding="utf-8"), target)
        docx_to_pdf(target, forms)
        print(f"{letter.name} -> {target.name}, {letter.stem}.pdf")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "corpus"))
