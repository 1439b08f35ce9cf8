"""What the run report shows, as small aggregates computed in the warehouse from the run's tables.

The tables are read where the export reads them (`kam.export.reading.run_source`: the reporting
tables, or a backfill's candidates); every query is an aggregate or a thinned curve, so the cost
does not grow with what is copied into Python. Portable SQL (DuckDB and PostgreSQL).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kam.warehouse import TableReader

TABLES = (
    "customer_segments",
    "customer_segments_history",
    "abc_xyz_matrix",
    "win_back_list",
    "failure_dynamics_monthly",
    "kam_workload",
    "segment_changes",
)
PARETO_POINTS = 200  # the curve keeps about this many customers, and every class's last one
FAILURE_MONTHS = 12
LAPSE_ORDER = ("active", "at_risk", "lapsed", "lost", "never_ordered")
MATRIX_CELLS = tuple(a + x for a in "ABC" for x in "XYZ")
UNCLASSIFIED = "unclassified"


@dataclass(frozen=True)
class ParetoPoint:
    rank: int  # 1 = the customer with the most revenue
    cum_share: float  # revenue_cum_share: the revenue share of the customers up to this one
    abc: str


@dataclass(frozen=True)
class ClassTotal:
    abc: str
    customers: int
    revenue_12m: Decimal
    revenue_share: float  # cum_share minus the previous class's: from published shares, no float sum
    cum_share: float  # revenue_cum_share of the class's last customer
    last_rank: int  # the rank of the class's last customer (where the next class begins)


@dataclass(frozen=True)
class Pareto:
    customers_with_revenue: int
    customers_without_revenue: int
    revenue_12m: Decimal
    points: list[ParetoPoint]
    classes: list[ClassTotal]


@dataclass(frozen=True)
class MatrixCell:
    abc_xyz: str
    customers: int
    revenue_12m: Decimal
    revenue_share: float | None
    strategy: str | None


@dataclass(frozen=True)
class Count:
    label: str
    customers: int


@dataclass(frozen=True)
class WinBack:
    priority: str | None  # null: value at stake 0
    customers: int
    value_at_stake: Decimal


@dataclass(frozen=True)
class FailureMonths:
    months: list[date]  # the last 12 month starts, the month of D last
    areas: dict[str, list[int]]  # area -> failure events per month


@dataclass(frozen=True)
class Workload:
    account_manager: str
    key_accounts: int
    customers: int
    is_overloaded: bool


@dataclass(frozen=True)
class Change:
    attribute: str
    previous_value: str | None
    current_value: str | None
    customers: int


@dataclass(frozen=True)
class Changes:
    previous_as_of: date | None  # the latest earlier as-of date in the history; None on the first night
    changes: list[Change]


@dataclass(frozen=True)
class ReportData:
    as_of: date
    window: tuple[date, date] | None  # the analysis window W; None without customers
    customers: int
    pareto: Pareto
    matrix: list[MatrixCell]
    lapse: list[Count]
    win_back: list[WinBack]
    failures: FailureMonths
    workload: list[Workload]
    changes: Changes


def month_starts(as_of: date, count: int = FAILURE_MONTHS) -> list[date]:
    """The first days of the `count` months up to and including the month of `as_of`, oldest first."""
    index = as_of.year * 12 + as_of.month - 1
    return [date((i) // 12, i % 12 + 1, 1) for i in range(index - count + 1, index + 1)]


def _pareto(r: TableReader) -> Pareto:
    segments = r.table("customer_segments")
    points = r.fetchall(
        f"""with ranked as (
            select revenue_cum_share, abc_revenue,
                   row_number() over (order by revenue_cum_share, customer_id) as customer_rank,
                   count(*) over () as customers,
                   lead(abc_revenue) over (order by revenue_cum_share, customer_id) as next_class
            from {segments} where revenue_12m > 0)
        select customer_rank, revenue_cum_share, abc_revenue from ranked
        where customer_rank = customers or next_class <> abc_revenue
           or mod(customer_rank, cast(ceil(customers / {float(PARETO_POINTS)}) as integer)) = 0
        order by customer_rank"""
    )
    classes = r.fetchall(
        f"""select abc_revenue, count(*), sum(revenue_12m), max(revenue_cum_share) from {segments}
        where revenue_12m > 0 group by abc_revenue order by abc_revenue"""
    )
    [(with_revenue, without_revenue, revenue)] = r.fetchall(
        f"""select count(case when revenue_12m > 0 then 1 end), count(case when revenue_12m > 0 then null else 1 end),
                   coalesce(sum(case when revenue_12m > 0 then revenue_12m end), 0)
        from {segments}"""
    )
    totals, last, before = [], 0, 0.0
    for abc, customers, amount, cum_share in classes:
        last += customers
        totals.append(ClassTotal(abc, customers, amount, cum_share - before, cum_share, last))
        before = cum_share
    return Pareto(
        with_revenue,
        without_revenue,
        Decimal(revenue),
        [ParetoPoint(rank, share, abc) for rank, share, abc in points],
        totals,
    )


def _matrix(r: TableReader) -> list[MatrixCell]:
    rows = r.fetchall(
        f"select abc_xyz, customers, revenue_12m, revenue_share, strategy from {r.table('abc_xyz_matrix')}"
    )
    order = {cell: i for i, cell in enumerate((*MATRIX_CELLS, UNCLASSIFIED))}
    return sorted((MatrixCell(*row) for row in rows), key=lambda c: (order.get(c.abc_xyz, len(order)), c.abc_xyz))


def _lapse(r: TableReader) -> list[Count]:
    rows = r.fetchall(
        f"select lapse_status, count(*) from {r.table('customer_segments')} group by lapse_status order by lapse_status"
    )
    order = {status: i for i, status in enumerate(LAPSE_ORDER)}
    return sorted((Count(str(s), n) for s, n in rows), key=lambda c: (order.get(c.label, len(order)), c.label))


def _win_back(r: TableReader) -> list[WinBack]:
    rows = r.fetchall(
        f"""select winback_priority, count(*), coalesce(sum(value_at_stake), 0) from {r.table("win_back_list")}
        group by winback_priority"""
    )
    return sorted((WinBack(p, n, Decimal(v)) for p, n, v in rows), key=lambda w: (w.priority is None, w.priority or ""))


def _failures(r: TableReader, as_of: date) -> FailureMonths:
    months = month_starts(as_of)
    rows = r.fetchall(
        f"""select month_start, coalesce(failure_area, 'unknown'), sum(failure_count)
        from {r.table("failure_dynamics_monthly")} where month_start >= ? and month_start <= ?
        group by month_start, coalesce(failure_area, 'unknown')""",
        [months[0], months[-1]],
    )
    areas: dict[str, list[int]] = {}
    for month, area, count in sorted(rows, key=lambda row: (row[1], row[0])):
        areas.setdefault(area, [0] * len(months))[months.index(month)] = int(count)
    return FailureMonths(months, areas)


def _workload(r: TableReader) -> list[Workload]:
    rows = r.fetchall(f"select account_manager, key_accounts, customers, is_overloaded from {r.table('kam_workload')}")
    return sorted((Workload(*row) for row in rows), key=lambda w: (-w.key_accounts, w.account_manager))


def _changes(r: TableReader, as_of: date) -> Changes:
    [(previous,)] = r.fetchall(
        f"select max(as_of_date) from {r.table('customer_segments_history')} where as_of_date < ?", [as_of]
    )
    rows = r.fetchall(
        f"""select attribute, previous_value, current_value, count(*) from {r.table("segment_changes")}
        group by attribute, previous_value, current_value"""
    )
    changes = [Change(*row) for row in rows]
    changes.sort(key=lambda c: (-c.customers, c.attribute, c.previous_value or "", c.current_value or ""))
    return Changes(previous, changes)


def read_report_data(r: TableReader, as_of: date) -> ReportData:
    """Every aggregate of the report, from the tables `r` reads (one night's)."""
    [(customers, window_start, window_end)] = r.fetchall(
        f"select count(*), min(window_start), max(window_end) from {r.table('customer_segments')}"
    )
    return ReportData(
        as_of=as_of,
        window=(window_start, window_end) if customers else None,
        customers=customers,
        pareto=_pareto(r),
        matrix=_matrix(r),
        lapse=_lapse(r),
        win_back=_win_back(r),
        failures=_failures(r, as_of),
        workload=_workload(r),
        changes=_changes(r, as_of),
    )
