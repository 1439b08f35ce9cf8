"""Fixtures of the export tests: a fake warehouse with night 1 published."""

from __future__ import annotations

import pytest

from tests.integration.publish.fake_candidates import PASSED_GATE, as_of_of, build_candidates, settings_under


@pytest.fixture
def settings(tmp_path):
    return settings_under(tmp_path)


@pytest.fixture
def published(settings):
    """Settings of a reporting DB holding night 1 (run id `night-1`, as-of 2026-10-02)."""
    from kam.publish import publish_run

    build_candidates(settings.warehouse, 1)
    publish_run(
        settings, run_id="night-1", as_of=as_of_of(1), started_at="2026-10-03T02:00:00Z", gate_result_json=PASSED_GATE
    )
    return settings


@pytest.fixture
def exported(published):
    """The export folder of night 1."""
    from kam.export import export_run

    return export_run(published, run_id="night-1", as_of="2026-10-02")
