"""Numbas's exam source format, read into Python data, and written as the JSON its runtime reads.

The format (the one Numbas's editor saves as `.exam`): objects `{ key: value }` and lists `[a, b]`
whose items are separated by commas or line ends; strings quoted "...", '...', \"\"\"...\"\"\" or
'''...''', or bare up to the end of the line (or a `,`, `:`, `]`, `}` or `//`); bare `true`/`false`
in any case and numbers become booleans and numbers; `//` starts a comment; keys are read lower-case.
The runtime (Numbas 10 `load_exam`) wants instead a first line starting with `//` and the exam as JSON.
"""

import json
import re

RUNTIME_FIRST_LINE = "// Numbas version: exam_results_page_options"
NUMBER = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
KEY = re.compile(r"[\w']*$")
BARE_END = re.compile(r"[\]},:\n]|//")


class SourceError(ValueError):
    def __init__(self, source, at, message):
        line = source.count("\n", 0, at) + 1
        super().__init__(f"{message} at line {line}, near {source[at:at + 40]!r}")


class Reader:
    def __init__(self, source):
        self.source = source
        self.at = 0

    def fail(self, message):
        raise SourceError(self.source, self.at, message)

    def peek(self, text=None):
        if text is None:
            return self.source[self.at:self.at + 1]
        return self.source.startswith(text, self.at)

    def skip_blanks(self):
        """Past white space, line ends and `//` comments."""
        while True:
            rest = self.source[self.at:]
            stripped = rest.lstrip()
            self.at += len(rest) - len(stripped)
            if not stripped.startswith("//"):
                return
            end = self.source.find("\n", self.at)
            self.at = len(self.source) if end < 0 else end

    def skip_spaces(self):
        """Past spaces and tabs on the same line."""
        while self.peek() in (" ", "\t", "\r", "\f", "\v"):
            self.at += 1

    def value(self):
        self.skip_blanks()
        first = self.peek()
        if not first:
            self.fail("Expected a value")
        if first == "{":
            return self.items("}", self.entry, dict)
        if first == "[":
            return self.items("]", self.value, list)
        if first in "\"'":
            return self.quoted(first)
        return self.bare()

    def entry(self):
        colon = self.source.find(":", self.at)
        key = self.source[self.at:colon].strip() if colon >= 0 else ""
        if colon < 0 or not KEY.match(key):
            self.fail("Expected `name:`")
        self.at = colon + 1
        return key.lower(), self.value()

    def items(self, close, item, collect):
        """A `{...}` or `[...]`: items separated by commas or line ends."""
        self.at += 1
        found = []
        self.skip_blanks()
        while not self.peek(close):
            found.append(item())
            self.skip_spaces()
            if not self.peek():
                self.fail(f"Expected {close}")
            if self.peek(","):
                self.at += 1
            elif not (self.peek("\n") or self.peek("//") or self.peek(close)):
                self.fail(f"Expected , or {close}")
            self.skip_blanks()
        self.at += 1
        return collect(found)

    def quoted(self, quote):
        triple = quote * 3
        if self.peek(triple):
            end = self.source.find(triple, self.at + 3)
            if end < 0:
                self.fail(f"Expected {triple} to end the string")
            while self.source.startswith(quote, end + 3):  # """"a"""" is the string "a", quotes included
                end += 1
            text, self.at = self.source[self.at + 3:end], end + 3
            return text
        end = self.source.find(quote, self.at + 1)
        if end < 0:
            self.fail(f"Expected {quote} to end the string")
        text, self.at = self.source[self.at + 1:end], end + 1
        return text

    def bare(self):
        end = BARE_END.search(self.source, self.at)
        end = len(self.source) if end is None else end.start()
        text, self.at = self.source[self.at:end].strip(), end
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        if NUMBER.match(text):
            return float(text) if re.search(r"[.eE]", text) else int(text)
        return text


def parse(source: str):
    """The data in a Numbas exam source; SourceError says where it is malformed."""
    reader = Reader(source)
    data = reader.value()
    reader.skip_blanks()
    if reader.peek():
        reader.fail("Unexpected text after the exam")
    return data


def runtime_source(data) -> str:
    """`data` as the Numbas runtime reads an exam: its first line is skipped, the rest is JSON. Safe to
    put inside a <script> element."""
    return RUNTIME_FIRST_LINE + "\n" + json.dumps(data).replace("</", "<\\/")
