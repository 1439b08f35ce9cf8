"""The run report's charts: each a function of one aggregate of `report_data`, returning inline SVG.

Every chart carries the numbers it plots in its root's `data-values` (JSON: amounts as decimal
text, shares as floats), so a test reads what was drawn; the page puts the same numbers in a
table under it. Callers show "nothing to show" instead of calling a chart with empty input.
"""

from __future__ import annotations

import textwrap

import matplotlib
from matplotlib.patches import Rectangle
from matplotlib.ticker import PercentFormatter, StrMethodFormatter

from kam.report.report_data import MATRIX_CELLS, Change, Count, FailureMonths, MatrixCell, Pareto, WinBack, Workload
from kam.report.svg import label_inches, render_svg

CLASS_COLOURS = {"A": "#1f5f8b", "B": "#4f9bd0", "C": "#a9cfe9"}
AREA_COLOURS = ("#1f5f8b", "#e07b39", "#5a9e4b", "#b0413e", "#7d5ba6", "#8c8c8c", "#c9a227", "#3fa7a3")
ALERT = "#b0413e"
PLAIN = "#4f9bd0"
MATRIX_COLOURS = "Blues"
NO_PRIORITY = "none (0 at stake)"
HEADLINE_WIDTH = 24  # characters per line of a strategy's headline in its cell


def pareto_chart(pareto: Pareto, a_share: float, b_share: float) -> str:
    """Cumulative revenue share over the customers ranked by revenue, the A/B and B/C cut lines
    (`abc_a_share`, `abc_b_share`) across it and each class's customers shaded below it."""
    n = pareto.customers_with_revenue
    xs = [0.0] + [p.rank / n for p in pareto.points]
    ys = [0.0] + [p.cum_share for p in pareto.points]
    values = {
        "customers": n,
        "points": [[p.rank, p.cum_share, p.abc] for p in pareto.points],
        "cut_lines": [a_share, b_share],
        "class_last_rank": {c.abc: c.last_rank for c in pareto.classes},
    }

    def draw(figure):
        ax = figure.subplots()
        start = 0
        for total in pareto.classes:
            ax.axvspan(start / n, total.last_rank / n, color=CLASS_COLOURS.get(total.abc, PLAIN), alpha=0.25, lw=0)
            ax.text((start + total.last_rank) / 2 / n, 0.04, f"{total.abc}\n{customers(total.customers)}", ha="center")
            start = total.last_rank
        ax.plot(xs, ys, color="#17324d", lw=1.8)
        for cut, label in ((a_share, "A/B cut"), (b_share, "B/C cut")):
            ax.axhline(cut, color=ALERT, ls="--", lw=1)
            ax.text(1.0, cut, f"{label} {cut:.0%}", color=ALERT, ha="right", va="bottom")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlabel(f"share of the {n} customers with revenue, ranked by revenue")
        ax.set_ylabel("cumulative share of revenue")

    return render_svg("pareto", values, (7.5, 3.8), (0.75, 0.15, 0.55, 0.15), draw)


def customers(count: int) -> str:
    return f"{count} customer" + ("" if count == 1 else "s")


def strategy_headline(strategy: str) -> str:
    """A cell's strategy in short: its text up to the first colon (all of it when none), wrapped."""
    head = strategy.split(":", 1)[0].strip()
    return "\n".join(textwrap.wrap(head, HEADLINE_WIDTH, max_lines=3, placeholder=" …"))


def matrix_chart(cells: list[MatrixCell]) -> str:
    """The nine ABC-XYZ cells as a heatmap of revenue share, each with its customers and share."""
    by_cell = {c.abc_xyz: c for c in cells}
    shares = [[(by_cell[a + x].revenue_share or 0.0) if a + x in by_cell else 0.0 for x in "XYZ"] for a in "ABC"]
    values = [
        [cell, by_cell[cell].customers, by_cell[cell].revenue_share, by_cell[cell].strategy]
        if cell in by_cell
        else [cell, 0, None, None]
        for cell in MATRIX_CELLS
    ]

    top = max(max(row) for row in shares) or 1.0
    colour_of = matplotlib.colormaps[MATRIX_COLOURS]

    def draw(figure):
        ax = figure.subplots()
        for i, a in enumerate("ABC"):
            for j, x in enumerate("XYZ"):
                cell, share = by_cell.get(a + x), shares[i][j]
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=colour_of(0.08 + 0.92 * share / top), lw=0))
                text = f"{a}{x}\n{customers(cell.customers if cell else 0)}\n{share:.1%} of revenue"
                if cell and cell.strategy:
                    text += "\n\n" + strategy_headline(cell.strategy)
                colour = "white" if share > 0.5 * top else "#17324d"
                ax.text(j, i, text, ha="center", va="center", color=colour)
        ax.set_xlim(-0.5, 2.5)
        ax.set_ylim(2.5, -0.5)
        ax.set_xticks(range(3), ["X (regular)", "Y (fluctuating)", "Z (irregular)"])
        ax.set_yticks(range(3), ["A", "B", "C"])
        ax.set_xlabel("XYZ: regularity of purchases")
        ax.set_ylabel("ABC: revenue class")
        ax.tick_params(length=0)
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)

    return render_svg("abc_xyz_matrix", values, (7.5, 5.0), (0.7, 0.1, 0.6, 0.1), draw)


def _bars(chart: str, labels: list[str], heights: list, colours: list[str], ylabel: str, notes: list[str]) -> str:
    """Bars with a note on each; the y axis with thousands separators."""
    values = [[label, h if isinstance(h, int) else str(h)] for label, h in zip(labels, heights)]  # amounts as text

    def draw(figure):
        ax = figure.subplots()
        bars = ax.bar(range(len(labels)), [float(h) for h in heights], color=colours)
        ax.bar_label(bars, notes, padding=2)
        ax.set_xticks(range(len(labels)), labels)
        ax.set_ylabel(ylabel)
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        ax.margins(y=0.15)

    return render_svg(chart, values, (5.0, 3.0), (0.8, 0.1, 0.2 + label_inches(labels) / 3, 0.15), draw)


def lapse_chart(counts: list[Count]) -> str:
    """Customers per lapse status."""
    colours = [ALERT if c.label in ("lapsed", "lost") else PLAIN for c in counts]
    notes = [str(c.customers) for c in counts]
    return _bars("lapse_status", [c.label for c in counts], [c.customers for c in counts], colours, "customers", notes)


def win_back_chart(win_back: list[WinBack]) -> str:
    """Value at stake (EUR) on the win-back list per priority, with the customers of each."""
    labels = [w.priority or NO_PRIORITY for w in win_back]
    colours = [CLASS_COLOURS.get(w.priority or "", "#8c8c8c") for w in win_back]
    notes = [f"{w.value_at_stake:,.0f} EUR\n{customers(w.customers)}" for w in win_back]
    return _bars("win_back", labels, [w.value_at_stake for w in win_back], colours, "value at stake (EUR)", notes)


def failures_chart(failures: FailureMonths) -> str:
    """Failure events per month of the last 12, stacked by area (the month of D up to D)."""
    labels = [m.strftime("%Y-%m") for m in failures.months]
    values = {"months": labels, "areas": failures.areas}

    def draw(figure):
        ax = figure.subplots()
        bottom = [0] * len(labels)
        for i, (area, counts) in enumerate(failures.areas.items()):
            ax.bar(range(len(labels)), counts, bottom=bottom, label=area, color=AREA_COLOURS[i % len(AREA_COLOURS)])
            bottom = [b + c for b, c in zip(bottom, counts)]
        ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
        ax.set_ylabel("failure events")
        ax.legend(title="area", loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)

    margin = 0.5 + label_inches([*failures.areas, "area"])
    return render_svg("failure_dynamics", values, (7.5, 3.6), (0.6, margin, 0.75, 0.15), draw)


def workload_chart(workload: list[Workload], limit: int) -> str:
    """Key accounts per account manager against the limit (`kam_max_key_accounts`); above it in red."""
    values = {"limit": limit, "managers": [[w.account_manager, w.key_accounts, w.is_overloaded] for w in workload]}
    names = [w.account_manager for w in workload]

    def draw(figure):
        ax = figure.subplots()
        colours = [ALERT if w.is_overloaded else PLAIN for w in workload]
        bars = ax.barh(range(len(names)), [w.key_accounts for w in workload], color=colours)
        ax.bar_label(bars, padding=2)
        ax.axvline(limit, color=ALERT, ls="--", lw=1)
        ax.annotate(
            f"limit {limit}", (limit, 1.0), xycoords=("data", "axes fraction"), color=ALERT, ha="center", va="bottom"
        )
        ax.set_yticks(range(len(names)), names)
        ax.invert_yaxis()
        ax.set_xlabel("key accounts")
        ax.set_xlim(0, max([limit, *[w.key_accounts for w in workload]]) * 1.15)

    size, margins = (6.5, 0.8 + 0.32 * len(names)), (0.25 + label_inches(names), 0.2, 0.5, 0.3)
    return render_svg("key_accounts_per_manager", values, size, margins, draw)


def changes_chart(changes: list[Change]) -> str:
    """Customers whose attribute changed since the previous night, per attribute."""
    per_attribute: dict[str, int] = {}
    for change in changes:
        per_attribute[change.attribute] = per_attribute.get(change.attribute, 0) + change.customers
    names = sorted(per_attribute, key=lambda a: (-per_attribute[a], a))
    values = [[name, per_attribute[name]] for name in names]

    def draw(figure):
        ax = figure.subplots()
        bars = ax.barh(range(len(names)), [per_attribute[n] for n in names], color=PLAIN)
        ax.bar_label(bars, padding=2)
        ax.set_yticks(range(len(names)), names)
        ax.invert_yaxis()
        ax.set_xlabel("customers changed")
        ax.margins(x=0.15)

    size, margins = (6.0, 0.8 + 0.32 * len(names)), (0.25 + label_inches(names), 0.2, 0.5, 0.15)
    return render_svg("segment_changes", values, size, margins, draw)
