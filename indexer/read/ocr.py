"""OCR of page images with the tesseract command (Debian's tesseract-ocr, Swedish model)."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess

from indexer.errors import ProtocolParseError

OCR_LANGUAGE = "swe"
"""Tesseract's Swedish model (Debian package tesseract-ocr-swe): reads åäö, but not §; restore_section_signs."""

RENDER_DPI = 300
"""Resolution pages are rendered at for OCR: tesseract's documented optimum for body text of 10–12 pt."""

PAGE_SEGMENTATION_MODE = 4
"""Tesseract --psm: 4, one column of text of variable sizes. Measured on rendered protocol pages (Lomma SN
page 4 from the corpus; a page with a right-hand date box, bold headings and a two-column signature
line): 3, 4 and 6 read the words alike (98 % character match) and all keep "SN § 27    Dnr …" on one
line; 6 writes a blank line between every pair of lines with wider spacing, losing the paragraph breaks
that 3 and 4 keep; 4 reads every line across the full width, as pdftotext -layout (the corpus's
format) does, where 3 may cut a right-hand box into its own block."""

PRESERVE_SPACES = "preserve_interword_spaces=1"
"""Tesseract option keeping a column gap as a run of spaces; such runs are written as COLUMN_GAP."""

COLUMN_GAP = "    "
"""A column gap as pdf.py writes it from a text layer (four spaces, as in the corpus's pdftotext text)."""

OCR_TIMEOUT_S = 120
"""Seconds one page may take. A dense A4 page at 300 dpi takes 2–3.5 s on the project's 2-core machine
(bench/read_pdf.py; up to 13 s with OpenMP threads on a busy machine); two minutes means stuck, not slow."""

OMP_THREAD_LIMIT = "1"
"""Tesseract's OpenMP threads per page. Measured with bench/read_pdf.py (4 dense A4 pages, 2 cores):
34.6 s with tesseract's default threads, 15.3 s with one; pages are OCR'd side by side instead
(pdf.OCR_WORKERS). An OMP_THREAD_LIMIT set in the environment wins."""

OCR_HINT = (
    "install Debian's tesseract-ocr and tesseract-ocr-swe (apt-get install tesseract-ocr tesseract-ocr-swe) "
    "to read scanned pages with OCR"
)
"""What to do when a scan cannot be read; pdf.py appends it to its messages."""

_TESSERACT = "tesseract"

# Debian's swe.traineddata (tessdata_fast 4.00, synth20170629) has no "§" in its character set, so every
# section sign comes out as something else. Seen on pages rendered at 300 dpi in Liberation Sans/Serif
# and DejaVu Sans/Serif, 9–11 pt: "SN 8 27", "SN $ 28", "BUN 83 61", "SN 838 27", "8& 61", "& 197",
# "£ 29", "SN 827" (sign and number run together), "KS 88 12-14". The repairs are confined to where a
# "§" is certain: a heading at the start of a line (optional body prefix such as "SN"/"BUN", the sign,
# a number, then nothing or a capitalised title), a "$" before a number (Swedish protocols do not write
# dollars), a doubled sign before a range of numbers ("§§ 59–71"), and a law reference after "kap."
# ("4 kap. 2 §").
_MISREAD_SIGN = r"[$&83S£]"
_TITLE = r"(?P<tail>\s+[A-ZÅÄÖ].*)?$"  # nothing, or a capitalised title / case number
_HEADING_SPACED_RE = re.compile(
    r"^(?P<lead>\s*(?:[A-ZÅÄÖ]{1,6}\s+)?)(?P<sign>" + _MISREAD_SIGN + r"{1,3})\s+(?P<num>\d{1,4})" + _TITLE
)
_HEADING_JOINED_RE = re.compile(
    r"^(?P<lead>\s*[A-ZÅÄÖ]{1,6}\s+)(?P<sign>" + _MISREAD_SIGN + r")(?P<num>\d{1,3})" + _TITLE
)
_CHAPTER_RE = re.compile(r"(?<=\bkap\. )(\d{1,3}) [8$&](?=\s|[.,;:]|$)")  # "4 kap. 2 8" → "4 kap. 2 §"
_DOLLAR_RE = re.compile(r"\$(\$?)(?=\s?\d)")
_DOUBLE_SIGN_RE = re.compile(r"(?<!\S)(?:88|8\$|\$8|&&|8&|&8|\$\$)(?=\s*\d{1,4}\s*[-–]\s*\d)")
_SPACE_RUN_RE = re.compile(r" {2,}")


@functools.cache
def ocr_available() -> bool:
    """True when `tesseract` is on PATH and has the Swedish model (checked once per process)."""
    if shutil.which(_TESSERACT) is None:
        return False
    try:
        listed = subprocess.run([_TESSERACT, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    # The first line is 'List of available languages in "...":'; each further line is one model.
    langs = {line.strip() for line in listed.stdout.splitlines()[1:]}
    return listed.returncode == 0 and OCR_LANGUAGE in langs


def ocr_image(png: bytes, source: str = "image") -> str:
    """The text tesseract reads in one image (PNG or any format leptonica reads), lines in reading order.

    `source` names the image in error messages (pdf.py passes "file.pdf page 3").
    """
    command = [_TESSERACT, "stdin", "stdout", "-l", OCR_LANGUAGE, "--psm", str(PAGE_SEGMENTATION_MODE)]
    command += ["-c", PRESERVE_SPACES]
    try:
        env = {**os.environ, "OMP_THREAD_LIMIT": os.environ.get("OMP_THREAD_LIMIT", OMP_THREAD_LIMIT)}
        done = subprocess.run(command, input=png, capture_output=True, timeout=OCR_TIMEOUT_S, check=False, env=env)
    except subprocess.TimeoutExpired:
        raise ProtocolParseError(f"{source}: OCR took longer than {OCR_TIMEOUT_S} s and was stopped") from None
    except OSError as error:
        raise ProtocolParseError(f"{source}: cannot run tesseract ({error.strerror}); {OCR_HINT}") from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        last = detail[-1] if detail else f"exit code {done.returncode}"
        raise ProtocolParseError(f"{source}: OCR failed ({last})")
    text = done.stdout.decode("utf-8", "replace").replace("\r\n", "\n").replace("\f", "\n")
    return "\n".join(restore_section_signs(_SPACE_RUN_RE.sub(COLUMN_GAP, line).rstrip()) for line in text.split("\n"))


def restore_section_signs(line: str) -> str:
    """One OCR'd line with the section signs the Swedish model cannot read put back ("SN 8 27" → "SN § 27")."""
    line = _DOUBLE_SIGN_RE.sub("§§", line)
    line = _CHAPTER_RE.sub(r"\1 §", line)
    for pattern in (_HEADING_SPACED_RE, _HEADING_JOINED_RE):
        m = pattern.match(line)
        # Without a body prefix or a title, "8 500" is more likely a number in a table than "§ 500".
        if m and (m.group("lead").strip() or m.group("tail") or not m.group("sign")[0].isdigit()):
            line = f"{m.group('lead')}§ {m.group('num')}{m.group('tail') or ''}"
            break
    return _DOLLAR_RE.sub(lambda m: "§§" if m.group(1) else "§", line)
