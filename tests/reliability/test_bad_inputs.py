"""Every bad-input kind of the catalogue ends as the contract says, and no good row is lost.

One extraction per case on a clean base cut from the worked example with one mutation
(catalogue.py); see bad_inputs.py for what is checked.
"""

from __future__ import annotations

import pytest

from tests.reliability.bad_inputs import run_case
from tests.reliability.catalogue import CASES, FAMILIES


def test_catalogue_covers_at_least_50_kinds_in_every_family():
    assert len(CASES) >= 50
    assert {c.family for c in CASES} == set(FAMILIES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_case(case, tmp_path):
    result = run_case(case, tmp_path)
    assert result.problems == [], f"{case.name} ({case.family}, expected {case.expect.outcome}): {result.problems}"
    assert result.good_rows_lost == 0
