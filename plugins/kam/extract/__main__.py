"""Command line: `python -m kam.extract [--system erp|crm|all] [--run-id ID] [--as-of YYYY-MM-DD]`.

Settings come from the environment (KAM_ORDERS_SOURCE, KAM_CRM_SOURCE,
KAM_WAREHOUSE, ...); the as-of date defaults to yesterday (UTC); prints the run's
report as JSON; exit code 2 on a source error.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import date

from kam.config import load_settings
from kam.extract import ExtractError, default_run_id, extract_all, extract_crm, extract_erp
from kam.pipeline.as_of import as_of_date


def _as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kam.extract", description=__doc__.splitlines()[0])
    parser.add_argument("--system", choices=("erp", "crm", "all"), default="all")
    parser.add_argument("--run-id", default=None, help="run id recorded with every row (default: manual__<time>)")
    parser.add_argument("--as-of", type=_as_of, default=None, help="as-of date D (default: yesterday, UTC)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    settings = load_settings()
    run = {"erp": extract_erp, "crm": extract_crm, "all": extract_all}[args.system]
    try:
        report = run(settings, args.run_id or default_run_id(), as_of_date(args.as_of))
    except ExtractError as exc:
        print(f"extraction failed: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report.to_dict(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
