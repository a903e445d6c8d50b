"""Writing rows to a binary file as they come, so a report never sits whole in memory."""
import csv
import io
import json
from contextlib import contextmanager


@contextmanager
def _text(binary):
    text = io.TextIOWrapper(binary, encoding="utf-8", newline="")
    try:
        yield text
    finally:
        text.flush()
        text.detach()  # leave the binary file open for the caller to store


def write_csv(binary, header, rows):
    with _text(binary) as text:
        writer = csv.writer(text)
        writer.writerow(header)
        writer.writerows(rows)


def write_json_lines(binary, records):
    with _text(binary) as text:
        for record in records:
            text.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
            text.write("\n")
