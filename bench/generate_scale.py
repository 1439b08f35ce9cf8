"""Scale generator for the benchmark: a contract-format drop of N order lines, and the next night's delta.

python -m bench.generate_scale --lines 1000000 --out /tmp/drop --as-of 2026-11-21 [--delta-out /tmp/next]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

LINES_PER_ORDER = 2.5
LINES_PER_CUSTOMER = 200
CHUNK_ORDERS = 800_000  # orders per part file (about 2M lines in the lines part)
HISTORY_DAYS = 3 * 365
CATEGORIES = np.array(["fasteners", "hydraulics", "packaging", "safety", "electrical", "spare parts"])
STATUSES = np.array(["delivered", "shipped", "placed", "cancelled", "returned"])
STATUS_P = [0.86, 0.04, 0.03, 0.05, 0.02]
CURRENCIES = np.array(["EUR", "USD", "GBP"])
CURRENCY_P = [0.85, 0.10, 0.05]
EPOCH = np.datetime64("1970-01-01", "D")


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    text = pc.utf8_lpad(pa.array(numbers).cast(pa.string()), width, "0")
    return pc.binary_join_element_wise(pa.scalar(prefix), text, "")


def _dates(days: np.ndarray) -> pa.Array:
    return pa.array(days.astype("datetime64[D]"))


def _timestamps(days: np.ndarray, seconds: np.ndarray) -> pa.Array:
    values = days.astype("datetime64[D]").astype("datetime64[s]") + seconds.astype("timedelta64[s]")
    return pa.array(values).cast(pa.timestamp("s", tz="UTC"))


def _customers(rng: np.random.Generator, n_customers: int, start_day: int, end_day: int):
    weight = rng.pareto(1.16, n_customers) + 0.05
    first_day = rng.integers(start_day, end_day - 30, n_customers)
    first_day[: n_customers // 2] = start_day  # half were customers before the history starts
    churn = rng.random(n_customers) < 0.12
    last_day = np.where(churn, rng.integers(start_day + 60, end_day, n_customers), end_day)
    last_day = np.maximum(last_day, first_day + 30)
    return weight / weight.sum(), first_day, np.minimum(last_day, end_day)


def generate(out: Path, lines: int, as_of: date, seed: int = 7) -> dict:
    """Write the drop for `lines` order lines ending on `as_of`; return the counts.

    Orders are drawn and written chunk by chunk (`CHUNK_ORDERS` orders and their lines
    per part file pair), each chunk from its own random stream `SeedSequence(seed,
    spawn_key=(chunk,))`: memory stays bounded by one chunk, and the same seed gives the
    same drop whatever the scale's number of chunks.
    """
    rng = np.random.default_rng(seed)
    erp, crm = out / "erp", out / "crm"
    erp.mkdir(parents=True, exist_ok=True)
    crm.mkdir(parents=True, exist_ok=True)
    end_day = int((np.datetime64(as_of) - EPOCH).astype(int))
    start_day = end_day - HISTORY_DAYS
    n_orders = max(1, int(lines / LINES_PER_ORDER))
    n_customers = max(10, lines // LINES_PER_CUSTOMER)
    customers = _customers(rng, n_customers, start_day, end_day)
    n_lines = 0
    for chunk, first_order in enumerate(range(0, n_orders, CHUNK_ORDERS)):
        chunk_rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(chunk,)))
        count = min(CHUNK_ORDERS, n_orders - first_order)
        orders, order_lines = _order_chunk(chunk_rng, customers, first_order, count, end_day)
        pq.write_table(orders, erp / f"orders_part{chunk:03d}.parquet", compression="zstd")
        pq.write_table(order_lines, erp / f"order_lines_part{chunk:03d}.parquet", compression="zstd")
        n_lines += order_lines.num_rows
        del orders, order_lines
    _write_fx(erp / "fx_rates.parquet", start_day, end_day, rng)
    _write_crm(crm, rng, n_customers, start_day, end_day)
    counts = {
        "orders": n_orders,
        "order_lines": n_lines,
        "customers": n_customers,
        "as_of": str(as_of),
        "bytes": _tree_bytes(out),
    }
    (out / "manifest.json").write_text(json.dumps(counts, indent=1))
    return counts


def _order_chunk(
    rng: np.random.Generator, customers: tuple, first_order: int, n_orders: int, end_day: int
) -> tuple[pa.Table, pa.Table]:
    """Orders `first_order` .. `first_order + n_orders - 1` and their lines."""
    p, first_day, last_day = customers
    customer = rng.choice(len(p), n_orders, p=p)
    span = last_day[customer] - first_day[customer]
    order_day = first_day[customer] + (rng.random(n_orders) * (span + 1)).astype(np.int64)
    order_day = np.minimum(order_day, end_day)
    promised = order_day + rng.integers(3, 21, n_orders)
    delivered = promised + rng.integers(-3, 6, n_orders)
    status = rng.choice(STATUSES, n_orders, p=STATUS_P)
    not_delivered = (delivered > end_day) | np.isin(status, ["placed", "shipped", "cancelled"])
    status = np.where((delivered > end_day) & (status == "delivered"), "shipped", status)
    updated_day = np.where(not_delivered, order_day, np.minimum(delivered, end_day))
    orders = pa.table(
        {
            "order_id": _ids("SO", np.arange(first_order, first_order + n_orders), 9),
            "customer_id": _ids("C", customer, 6),
            "order_date": _dates(order_day),
            "promised_date": _dates(promised),
            "delivered_date": pa.array(delivered.astype("datetime64[D]"), mask=not_delivered),
            "status": pa.array(status),
            "currency": pa.array(rng.choice(CURRENCIES, n_orders, p=CURRENCY_P)),
            "updated_at": _timestamps(updated_day, rng.integers(6 * 3600, 20 * 3600, n_orders)),
        }
    )

    per_order = rng.integers(1, 5, n_orders)  # 1..4 lines, mean 2.5
    n_lines = int(per_order.sum())
    line_order = pa.array(np.repeat(np.arange(n_orders), per_order))
    line_number = np.arange(n_lines) - np.repeat(np.cumsum(per_order) - per_order, per_order) + 1
    quantity = np.round(rng.lognormal(2.5, 1.1, n_lines), 0) + 1
    price = np.round(rng.lognormal(3.0, 0.9, n_lines), 2)
    cost = np.round(price * rng.uniform(0.55, 1.05, n_lines), 2)
    cost_unknown = rng.random(n_lines) < 0.04
    short = rng.random(n_lines) < 0.03
    line_delivered = ~not_delivered[line_order.to_numpy()]
    delivered_qty = np.where(short, np.floor(quantity * 0.8), quantity)
    order_lines = pa.table(
        {
            "order_id": orders["order_id"].take(line_order),
            "line_number": pa.array(line_number.astype(np.int64)),
            "product_id": _ids("P-", rng.integers(10000, 12000, n_lines), 5),
            "product_category": pa.array(rng.choice(CATEGORIES, n_lines)),
            "quantity": pa.array(quantity),
            "delivered_quantity": pa.array(delivered_qty, mask=~line_delivered),
            "unit_price": pa.array(price),
            "unit_cost": pa.array(cost, mask=cost_unknown),
            "updated_at": orders["updated_at"].take(line_order),
        }
    )
    return orders, order_lines


def _tree_bytes(folder: Path) -> int:
    """Bytes of the files under `folder` (hard links counted once)."""
    seen, total = set(), 0
    for path in folder.rglob("*"):
        stat = path.stat()
        if path.is_file() and (stat.st_dev, stat.st_ino) not in seen:
            seen.add((stat.st_dev, stat.st_ino))
            total += stat.st_size
    return total


def _write_fx(path: Path, start_day: int, end_day: int, rng: np.random.Generator) -> None:
    days = np.arange(start_day - 30, end_day + 1, 15)
    usd = 0.92 + np.cumsum(rng.normal(0, 0.004, len(days)))
    gbp = 1.16 + np.cumsum(rng.normal(0, 0.004, len(days)))
    pq.write_table(
        pa.table(
            {
                "currency": pa.array(["USD"] * len(days) + ["GBP"] * len(days)),
                "rate_date": _dates(np.concatenate([days, days])),
                "rate_to_reporting": pa.array(np.round(np.concatenate([usd, gbp]), 6)),
            }
        ),
        path,
    )


def _write_crm(crm: Path, rng: np.random.Generator, n: int, start_day: int, end_day: int) -> None:
    ids = _ids("C", np.arange(n), 6)
    created = _timestamps(np.full(n, start_day - 400), rng.integers(0, 86400, n))
    managers = np.array(["Katrin Vogel", "Marek Nowak", "Aylin Demir", "Thomas Quast", "Sabine Roth", ""])
    _write_csv(
        pa.table(
            {
                "account_id": ids,
                "name": pc.binary_join_element_wise(pa.scalar("Customer "), ids, ""),
                "industry": pa.array(rng.choice(["Machinery", "Food", "Chemicals", "Automotive"], n)),
                "region": pa.array(rng.choice(["DACH", "Benelux", "Nordics", "Iberia"], n)),
                "country": pa.array(rng.choice(["DE", "AT", "NL", "SE", "ES"], n)),
                "employees": pa.array(rng.integers(10, 5000, n)),
                "annual_budget": pa.array(np.round(rng.lognormal(11.5, 1.2, n), 2)),
                "account_manager": pa.array(rng.choice(managers, n)),
                "kam_designated": pa.array(rng.random(n) < 0.05),
                "is_image_maker": pa.array(rng.random(n) < 0.03),
                "is_expert": pa.array(rng.random(n) < 0.04),
                "created_at": created,
                "updated_at": created,
            }
        ),
        crm / "accounts.csv",
    )
    k = n * 2
    _write_csv(
        pa.table(
            {
                "contact_id": _ids("K", np.arange(k), 8),
                "account_id": ids.take(pa.array(np.arange(k) % n)),
                "full_name": pc.binary_join_element_wise(pa.scalar("Contact "), _ids("", np.arange(k), 8), ""),
                "email": pa.array([None] * k, pa.string()),
                "phone": pa.array([None] * k, pa.string()),
                "job_title": pa.array(rng.choice(["Buyer", "Head of Purchasing"], k)),
                "is_decision_maker": pa.array(rng.random(k) < 0.4),
                "updated_at": _timestamps(np.full(k, start_day), np.zeros(k)),
            }
        ),
        crm / "contacts.csv",
    )
    _write_events(crm, rng, n, ids, start_day, end_day)


def _write_events(crm: Path, rng: np.random.Generator, n: int, ids: pa.Array, start_day: int, end_day: int) -> None:
    def days(count: int) -> np.ndarray:
        return rng.integers(start_day, end_day + 1, count)

    def who(count: int) -> pa.Array:
        return ids.take(pa.array(rng.integers(0, n, count)))

    c = n // 2
    d = days(c)
    cases = pa.table(
        {
            "case_id": _ids("CS", np.arange(c), 8),
            "account_id": who(c),
            "order_id": pa.array([None] * c, pa.string()),
            "opened_at": _timestamps(d, rng.integers(0, 86400, c)),
            "closed_at": pa.array([None] * c, pa.timestamp("s", tz="UTC")),
            "category": pa.array(rng.choice(["quality", "delivery", "service", "billing", "other"], c)),
            "severity": pa.array(rng.choice(["low", "medium", "high"], c)),
            "updated_at": _timestamps(d, np.full(c, 86399)),
        }
    )
    _write_jsonl(cases, crm / "cases.jsonl")
    s = n // 3
    d = days(s)
    _write_jsonl(
        pa.table(
            {
                "survey_id": _ids("SV", np.arange(s), 8),
                "account_id": who(s),
                "responded_at": _timestamps(d, np.full(s, 3600)),
                "score": pa.array(rng.integers(1, 6, s)),
                "updated_at": _timestamps(d, np.full(s, 7200)),
            }
        ),
        crm / "surveys.jsonl",
    )
    o = n // 4
    d = days(o)
    stage = rng.choice(["open", "won", "lost"], o)
    _write_jsonl(
        pa.table(
            {
                "opportunity_id": _ids("OP", np.arange(o), 8),
                "account_id": who(o),
                "created_at": _timestamps(d, np.zeros(o)),
                "closed_at": pa.array([None] * o, pa.timestamp("s", tz="UTC")),
                "stage": pa.array(stage),
                "amount": pa.array(np.round(rng.lognormal(11, 1, o), 2)),
                "lost_reason": pa.array(np.where(stage == "lost", "price", None)),
                "competitor": pa.array([None] * o, pa.string()),
                "updated_at": _timestamps(d, np.full(o, 3600)),
            }
        ),
        crm / "opportunities.jsonl",
    )
    a = n * 2
    d = days(a)
    _write_csv(
        pa.table(
            {
                "activity_id": _ids("A", np.arange(a), 9),
                "account_id": who(a),
                "activity_type": pa.array(rng.choice(["call", "meeting", "email", "visit"], a)),
                "occurred_at": _timestamps(d, np.full(a, 36000)),
                "owner": pa.array([None] * a, pa.string()),
                "updated_at": _timestamps(d, np.full(a, 39600)),
            }
        ),
        crm / "activities.csv",
    )


def _iso_timestamps(table: pa.Table) -> pa.Table:
    """Timestamps as ISO 8601 text with `Z`, as CRM exports carry them."""
    for i, field in enumerate(table.schema):
        if pa.types.is_timestamp(field.type):
            table = table.set_column(i, field.name, pc.strftime(table[field.name], format="%Y-%m-%dT%H:%M:%SZ"))
    return table


def _write_csv(table: pa.Table, path: Path) -> None:
    pacsv.write_csv(_iso_timestamps(table), path)


def _write_jsonl(table: pa.Table, path: Path) -> None:
    import duckdb

    table = _iso_timestamps(table)

    con = duckdb.connect()
    con.register("t", table)
    con.execute(f"copy t to '{path}' (format json)")
    con.close()


def _hard_link_tree(base: Path, out: Path) -> None:
    for src in base.rglob("*"):
        dst = out / src.relative_to(base)
        if src.is_dir():
            dst.mkdir(parents=True, exist_ok=True)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.link(src, dst)


def _parts(erp: Path, stem: str) -> list[Path]:
    return sorted(erp.glob(f"{stem}_*.parquet"))


def _first_rows(parts: list[Path], n: int) -> pa.Table:
    """The first `n` rows over the parts in order, reading only the parts needed."""
    tables, have = [], 0
    for part in parts:
        if have >= n:
            break
        table = pq.read_table(part)
        tables.append(table.slice(0, n - have))
        have += tables[-1].num_rows
    return pa.concat_tables(tables)


def _open_recent(parts: list[Path], day: int) -> np.ndarray:
    """Positions (over all parts in order) of the orders still open and placed in the 30 days before `day`."""
    found, offset = [], 0
    for part in parts:
        table = pq.read_table(part, columns=["order_date", "status"])
        order_day = pc.cast(table["order_date"], pa.int32()).to_numpy(zero_copy_only=False)
        status = table["status"].to_numpy(zero_copy_only=False)
        found.append(offset + np.flatnonzero((order_day > day - 31) & np.isin(status, ["placed", "shipped"])))
        offset += table.num_rows
    return np.concatenate(found) if found else np.array([], dtype=np.int64)


def _rows_at(parts: list[Path], positions: np.ndarray) -> pa.Table:
    """The rows at sorted `positions` over all parts in order, one part in memory at a time."""
    tables, offset = [], 0
    for part in parts:
        rows = pq.ParquetFile(part).metadata.num_rows
        inside = positions[(positions >= offset) & (positions < offset + rows)] - offset
        if len(inside):
            tables.append(pq.read_table(part).take(pa.array(inside)))
        offset += rows
    return pa.concat_tables(tables) if tables else pq.read_schema(parts[0]).empty_table()


def _lines_of(parts: list[Path], *order_ids: pa.Array) -> list[pa.Table]:
    """For each set of `order_ids`, its lines in drop order, streaming the line parts once."""
    found: list[list[pa.Table]] = [[] for _ in order_ids]
    for part in parts:
        table = pq.read_table(part)
        for wanted, ids in zip(found, order_ids, strict=True):
            wanted.append(table.filter(pc.is_in(table["order_id"], ids)))
    return [pa.concat_tables(tables) for tables in found]


def make_delta(out: Path, base: Path, as_of: date, seed: int = 8) -> dict:
    """The next night's drop: `base` (hard-linked) plus one day of changes, as new part files.

    New orders dated D+1 (about one in a thousand of the history: one day's volume)
    with their lines, and as many deliveries: open orders of the last 30 days become
    delivered on D+1 (order and lines updated, `updated_at` on D+1). The base is read
    one part file at a time, so memory stays bounded at any scale.
    """
    rng = np.random.default_rng(seed)
    shutil.rmtree(out, ignore_errors=True)
    _hard_link_tree(base, out)
    erp = base / "erp"
    order_parts, line_parts = _parts(erp, "orders"), _parts(erp, "order_lines")
    n_orders = sum(pq.ParquetFile(p).metadata.num_rows for p in order_parts)
    next_day = as_of + timedelta(days=1)
    day = int((np.datetime64(next_day) - EPOCH).astype(int))
    n_new = max(1, n_orders // 1000)

    template = _first_rows(order_parts, n_new)
    template_ids = template["order_id"]
    new_ids = _ids("SN" + next_day.strftime("%y%m%d"), np.arange(n_new), 6)
    new = template.set_column(0, "order_id", new_ids)
    new = new.set_column(2, "order_date", _dates(np.full(n_new, day)))
    new = new.set_column(3, "promised_date", _dates(np.full(n_new, day) + rng.integers(3, 21, n_new)))
    new = new.set_column(4, "delivered_date", pa.nulls(n_new, pa.date32()))
    new = new.set_column(5, "status", pa.array(["placed"] * n_new))
    new = new.set_column(7, "updated_at", _timestamps(np.full(n_new, day), np.full(n_new, 50000)))

    open_recent = _open_recent(order_parts, day)
    chosen = np.sort(rng.choice(open_recent, min(n_new, len(open_recent)), replace=False))
    delivered = _rows_at(order_parts, chosen)
    m = delivered.num_rows
    delivered = delivered.set_column(4, "delivered_date", _dates(np.full(m, day)))
    delivered = delivered.set_column(5, "status", pa.array(["delivered"] * m, pa.string()))
    delivered = delivered.set_column(7, "updated_at", _timestamps(np.full(m, day), np.full(m, 60000)))

    new_lines, delivered_lines = _lines_of(line_parts, template_ids, delivered["order_id"])
    position = pc.index_in(new_lines["order_id"], template_ids)
    new_lines = new_lines.set_column(0, "order_id", new_ids.take(position))
    new_lines = new_lines.set_column(5, "delivered_quantity", pa.nulls(new_lines.num_rows, pa.float64()))
    new_lines = new_lines.set_column(
        8, "updated_at", _timestamps(np.full(new_lines.num_rows, day), np.full(new_lines.num_rows, 50000))
    )
    delivered_lines = delivered_lines.set_column(5, "delivered_quantity", delivered_lines["quantity"])
    delivered_lines = delivered_lines.set_column(
        8, "updated_at", _timestamps(np.full(delivered_lines.num_rows, day), np.full(delivered_lines.num_rows, 60000))
    )

    tag = f"delta{next_day.strftime('%Y%m%d')}_000"
    delta_orders = pa.concat_tables([new, delivered.cast(new.schema)])
    delta_lines = pa.concat_tables([new_lines, delivered_lines.cast(new_lines.schema)])
    pq.write_table(delta_orders, out / "erp" / f"orders_{tag}.parquet", compression="zstd")
    pq.write_table(delta_lines, out / "erp" / f"order_lines_{tag}.parquet", compression="zstd")
    counts = {
        "new_orders": n_new,
        "new_lines": new_lines.num_rows,
        "delivered_orders": m,
        "delivered_lines": delivered_lines.num_rows,
        "as_of": str(next_day),
    }
    (out / "manifest_delta.json").write_text(json.dumps(counts, indent=1))
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 21))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--delta-out",
        type=Path,
        default=None,
        help="also write the next night's drop (base hard-linked + one day of changes) here",
    )
    args = parser.parse_args()
    print(json.dumps(generate(args.out, args.lines, args.as_of, args.seed)))
    if args.delta_out is not None:
        print(json.dumps(make_delta(args.delta_out, args.out, args.as_of)))


if __name__ == "__main__":
    main()
