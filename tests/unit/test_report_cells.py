"""CSV cells neutralised against formula injection as OWASP describes; numbers left as numbers."""
import pytest

from lti_app.reports.writers import safe_cell


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-2+3", "-", "-cmd|' /C calc'!A0", "@SUM(A1)", "\tx", "\r=1",
                                  "-1.5e", "--1", "-1,5"])
def test_formula_starts_get_an_apostrophe(cell):
    assert safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["-1.5", "-0.302", "-3", "-.5", "-1e5", "-2.5E-3", "0.8", "Ada", "", "a=b", 7, -1.5,
                                  None])
def test_numbers_and_plain_text_stay_as_they_are(cell):
    assert safe_cell(cell) == cell
