"""Writing rows to a binary file as they come, so a report never sits whole in memory."""
import csv
import io
import json
import re
from contextlib import contextmanager

# OWASP "CSV Injection": a spreadsheet reads a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


@contextmanager
def _text(binary):
    text = io.TextIOWrapper(binary, encoding="utf-8", newline="")
    try:
        yield text
    finally:
        text.flush()
        text.detach()  # leave the binary file open for the caller to store


def safe_cell(value):
    """A text cell that would start a formula gets a leading apostrophe, as OWASP advises: the cell then
    shows as text (=HYPERLINK(…) stays visible, never runs). A negative number such as -1.5 is left as it
    is, so it stays a number in the spreadsheet: a formula needs more than digits, a point and an exponent."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def write_csv(binary, header, rows):
    with _text(binary) as text:
        writer = csv.writer(text)
        writer.writerow(_safe_row(header))
        writer.writerows(map(_safe_row, rows))


def _safe_row(cells):
    # safe_cell only for the few cells that start like a formula: a report has hundreds of thousands of cells
    return [safe_cell(cell) if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell for cell in cells]


def write_json_lines(binary, records):
    with _text(binary) as text:
        for record in records:
            text.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
            text.write("\n")
