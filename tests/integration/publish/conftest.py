"""Fixtures of the publication tests: settings under tmp_path and a `publish_night` helper."""

from __future__ import annotations

import pytest

from tests.integration.publish.fake_candidates import PASSED_GATE, build_candidates, settings_under


@pytest.fixture
def settings(tmp_path):
    return settings_under(tmp_path)


@pytest.fixture
def publish_night(settings):
    """Build the candidates of a night and publish them (run id `night-<k>` unless given)."""
    from kam.publish import publish_run

    def publish(night: int, extra: int = 0, run_id: str | None = None):
        as_of = build_candidates(settings.warehouse, night, extra)
        return publish_run(
            settings,
            run_id=run_id or f"night-{night}",
            as_of=as_of,
            started_at=f"{as_of.isoformat()}T23:30:00-01:00",
            gate_result_json=PASSED_GATE,
        )

    return publish
