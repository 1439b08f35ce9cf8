"""Command line: write the seeded demo source systems (`python -m kam.demo.generate`).

    python -m kam.demo.generate [--out DIR] [--as-of YYYY-MM-DD] [--seed 42]
                                [--customers 2000] [--if-absent]

DIR defaults to `$KAM_HOME/demo`, the as-of date to yesterday (UTC). With
`--if-absent` nothing is written when DIR already holds a drop as of that date
or later. `generate()` is the same for Python callers (tests make small drops).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from kam.config import load_settings
from kam.demo.drop import generate, is_current, read_manifest

__all__ = ["generate", "main"]


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m kam.demo.generate", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="drop folder (default: $KAM_HOME/demo)")
    parser.add_argument(
        "--as-of", type=date.fromisoformat, default=None, help="as-of date YYYY-MM-DD (default: yesterday, UTC)"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument(
        "--if-absent",
        action="store_true",
        help="do nothing when the folder already holds a drop as of this date or later",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    out_dir = args.out or load_settings().home / "demo"
    as_of = args.as_of or datetime.now(UTC).date() - timedelta(days=1)
    if args.if_absent and is_current(out_dir, as_of):
        print(f"demo drop already present in {out_dir} (as of {read_manifest(out_dir)['as_of']}); nothing to do")
        return 0
    try:
        counts = generate(out_dir, as_of, seed=args.seed, customers=args.customers)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    summary = ", ".join(f"{name} {count}" for name, count in counts.items())
    print(f"demo drop as of {as_of} (seed {args.seed}) written to {out_dir}: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
