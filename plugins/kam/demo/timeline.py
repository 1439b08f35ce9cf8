"""Time in the simulated world: day and minute numbers, the world span, the history window.

Days are integers since 1970-01-01; instants are whole minutes since 1970-01-01
00:00 UTC. The world runs from WORLD_START to WORLD_END whatever the as-of date,
so the drops of different nights are views of one and the same history.
"""

from __future__ import annotations

from datetime import date, timedelta

EPOCH = date(1970, 1, 1)
WORLD_START = date(2019, 1, 1)
WORLD_END = date(2033, 12, 31)
HISTORY_YEARS = 3
EARLIEST_AS_OF = date(WORLD_START.year + HISTORY_YEARS, 1, 1)
MINUTES_PER_DAY = 1440
NEVER = 2**62  # an instant or day that never comes


def day_number(d: date) -> int:
    return (d - EPOCH).days


def day_date(day: int) -> date:
    return EPOCH + timedelta(days=int(day))


def history_start(as_of: date) -> date:
    """First day of the drop's history: three years ending on the as-of date."""
    try:
        anniversary = as_of.replace(year=as_of.year - HISTORY_YEARS)
    except ValueError:  # 29 February
        anniversary = as_of.replace(year=as_of.year - HISTORY_YEARS, day=28)
    return anniversary + timedelta(days=1)


def end_of_day(day: int) -> int:
    """The last minute of a day: the latest instant a drop as of that day may contain."""
    return (day + 1) * MINUTES_PER_DAY - 1


def check_as_of(as_of: date) -> None:
    """The simulated world covers as-of dates from EARLIEST_AS_OF to WORLD_END."""
    if not EARLIEST_AS_OF <= as_of <= WORLD_END:
        raise ValueError(
            f"demo as-of date {as_of} is outside the simulated world: "
            f"choose a date from {EARLIEST_AS_OF} to {WORLD_END}"
        )
