"""core.text: what XML 1.0 forbids is refused with a Dutch message naming the field."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from samen.core.text import check_xml_text, forbidden_characters, xml_safe_problems


@pytest.mark.parametrize(
    "value",
    ["Gemeente \x01Groningen", "Esc\x1b[31m", "nul\x00", "\x7f\x08", "\ufffe", "half \ud800"],
)
def test_forbidden_characters_are_refused_naming_the_field(value):
    problems = xml_safe_problems(value, "juridische_naam", "De juridische naam")
    assert len(problems) == 1
    assert problems[0].name == "juridische_naam"
    assert "De juridische naam" in problems[0].reason and "U+" in problems[0].reason


def test_u007f_is_allowed_by_xml_but_the_rest_are_not():
    # XML 1.0 allows U+007F (DEL); the C0 controls other than tab, LF and CR are forbidden
    assert forbidden_characters("a\x7fb") == []
    assert forbidden_characters("a\x01b\x01c\x1b") == ["\x01", "\x1b"]


@pytest.mark.parametrize(
    "value", [None, "", "Gemeente 's-Hertogenbosch", "Súdwest-Fryslân", "tab\tlf\ncr\r", "€ 😀"]
)
def test_ordinary_text_passes_and_is_well_formed_in_xml(value):
    problems = []
    assert check_xml_text(value, field="naam", label="De naam", problems=problems) == value
    assert problems == []
    el = ET.Element("a")
    el.text = value
    ET.fromstring(ET.tostring(el))


def test_check_appends_and_returns_none():
    problems = []
    assert check_xml_text("a\x01", field="reden", label="De reden", problems=problems) is None
    assert [p.name for p in problems] == ["reden"]
    assert "U+0001" in problems[0].reason
