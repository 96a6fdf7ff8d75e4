"""Pages read a year from the query with the API's rules and fall back to their default."""

from __future__ import annotations

import pytest

from samen.core import params

pytestmark = pytest.mark.sqlite


@pytest.mark.parametrize("raw", ["2000", "2024", "2050", " 2024"])
def test_a_year_the_api_reads_is_read(raw):
    assert params.year(raw, 1) == int(raw)


@pytest.mark.parametrize(
    "raw", [None, "", "²²²²", "٢٠٢٤", "99999999999", "-2024", "2024.0", "\x00", "1999", "2051"]
)
def test_anything_the_api_refuses_is_the_default(raw):
    assert params.year(raw, 2030) == 2030
    assert params.year(raw) is None
