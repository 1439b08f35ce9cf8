"""The Airflow plugin of this repository: registers `kam.cli.stage_listener`, the stage events `make run` prints.

Airflow imports every .py file of the plugins folder that `.airflowignore` does not skip; this is the one.
"""

from __future__ import annotations

from typing import ClassVar

from airflow.plugins_manager import AirflowPlugin

from kam.cli import stage_listener


class KamStageEventsPlugin(AirflowPlugin):
    name = "kam_stage_events"
    listeners: ClassVar[list] = [stage_listener]
