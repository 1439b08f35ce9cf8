"""The callbacks of `kam_nightly`: `kam.publish.alerts`, imported only when one is called (parsing stays light).

`night_failed` / `night_published` are the DAG's (one alert per night), `log_task_failure` every
task's (a log line, nothing sent), `night_late` the deadline alert's (a coroutine: the triggerer
awaits it, importing it by this module's dotted path).
"""

from __future__ import annotations


def log_task_failure(context) -> None:
    from kam.publish import alerts

    alerts.log_task_failure(context)


def night_failed(context) -> None:
    from kam.publish import alerts

    alerts.night_failed(context)


def night_published(context) -> None:
    from kam.publish import alerts

    alerts.night_published(context)


async def night_late(context=None) -> None:
    from kam.publish import alerts

    await alerts.night_late(context)
