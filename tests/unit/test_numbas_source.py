"""Numbas's exam source format, read as Numbas's own exam parser reads it, written as its runtime reads it."""
import json

import pytest

from tests.packages.numbas_source import SourceError, parse, runtime_source

SOURCE = '''// a comment before the exam
{
\tName: Stability Test   // keys are read lower-case; bare text ends at a comment
\tpercentpass: 50
\tratio: 0.25, negative: -3e2
\tshuffle: False
\tallow: TRUE
\tempty: ''
\tquoted: "a, b: c // not a comment"
\tsingle: 'it says "hi"'
\ttriple: """<p>write "hello"</p>
second line"""
\ttriple_single: \'\'\'it's\'\'\'
\tlist: [0, 1, two]
\tlines: [
\t\t{type: jme, marks: 1}
\t\t{type: numberentry}
\t]
\tnested: {m: "[1,0,0]"}
\tanswer: x^2+sin(y)
}
'''


def test_the_source_format_is_read_into_data():
    assert parse(SOURCE) == {
        "name": "Stability Test", "percentpass": 50, "ratio": 0.25, "negative": -300.0, "shuffle": False,
        "allow": True, "empty": "", "quoted": "a, b: c // not a comment", "single": 'it says "hi"',
        "triple": '<p>write "hello"</p>\nsecond line', "triple_single": "it's", "list": [0, 1, "two"],
        "lines": [{"type": "jme", "marks": 1}, {"type": "numberentry"}], "nested": {"m": "[1,0,0]"},
        "answer": "x^2+sin(y)"}


def test_quotes_next_to_triple_quotes_are_part_of_the_string():
    assert parse('{a: """"hi""""}') == {"a": '"hi"'}


@pytest.mark.parametrize("source, where", [
    ("{a: 1", "Expected }"),
    ("{a: [1, 2}", "Expected , or ]"),
    ("{a b: 1}", "Expected `name:`"),
    ('{a: "open}', 'Expected " to end the string'),
    ("{a: 1} trailing", "Unexpected text"),
])
def test_malformed_source_says_what_and_where(source, where):
    with pytest.raises(SourceError, match=where):
        parse(source)


def test_the_runtime_reads_the_line_after_the_first_as_json_that_cannot_end_a_script_element():
    written = runtime_source({"prompt": "<p>a</p></script>"})
    first, rest = written.split("\n", 1)
    assert first.startswith("//") and "\n" not in rest and "</" not in rest
    assert json.loads(rest) == {"prompt": "<p>a</p></script>"}
