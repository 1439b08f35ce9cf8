"""`make docs`: the dbt docs site of the warehouse as it is, offline, into `<KAM_HOME>/docs/index.html`.

The stage every published night runs (kam.pipeline.docs): it reuses the last nightly build's
manifest, or compiles the project for the as-of rule's D when there was none. It holds the run
lock, so no night opens the warehouse meanwhile. Prints the file; exit 1 when it was not built.
"""

from __future__ import annotations

import argparse
import logging
import sys

from kam import pipeline
from kam.cli.run_lock import RunLockBusy, run_lock
from kam.config import load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make docs", description=__doc__.splitlines()[0])
    parser.add_argument("--as-of", help="D to compile for when no build left a manifest (default: yesterday, UTC)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    settings = load_settings()
    plan = pipeline.RunPlan(as_of=pipeline.as_of_date(args.as_of))
    try:
        with run_lock(settings, command="docs", as_of=plan.as_of.isoformat()):
            site = pipeline.docs(settings, plan)
    except RunLockBusy as busy:
        print(busy, file=sys.stderr)
        return 1
    if site is None:
        print("the dbt docs site was not built (see the warning above)", file=sys.stderr)
        return 1
    print(f"dbt docs site: {site}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
