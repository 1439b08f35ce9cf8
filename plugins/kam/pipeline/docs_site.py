"""Stage `docs`: the dbt docs site of a published night, one self-contained file `<KAM_HOME>/docs/index.html`.

`dbt docs generate --static --no-compile` runs in a dbt folder of its own (`<KAM_HOME>/dbt_docs`),
seeded with the parse state and the manifest the night's `dbt build` left: dbt neither parses nor
compiles again (the site shows the SQL the build ran), so what it costs is dbt's start and the catalog
queries, which read the catalog only, no table. The new file replaces the old one by rename. A backfill
builds no site (it built the `*_backfill` twins); a failed build is a warning, never a failed night
(docs/decisions/0025-docs-site-and-column-comments.md).
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from pathlib import Path

from kam.config import Settings
from kam.dbt_docs_site import INDEX_FILE, docs_dir
from kam.pipeline.dbt_build import dbt_invocation, dbt_work_dir
from kam.run_plan import RunPlan

log = logging.getLogger(__name__)

DOCS_WORK_FOLDER = "dbt_docs"
DBT_PROFILE = "kam_warehouse"
SEED_FILES = ("manifest.json", "partial_parse.msgpack")
STATIC_INDEX = "static_index.html"
OUTPUT_TAIL_CHARS = 3000
# Where a build of the mode's dbt folder leaves its target, and whether it ran with --profile and
# --target (dbt's parse state hashes them, so the docs build passes the same): a subprocess build
# (kam.pipeline.build) writes `target/`; the Cosmos task keeps its partial-parse cache in
# `cosmos/target/` (operators.kam_dbt_interceptor.COSMOS_CACHE_SUBDIR) and names profile and target.
BUILD_TARGETS = ((Path("target"), False), (Path("cosmos") / "target", True))


def _latest_build(build_dir: Path) -> tuple[Path, bool] | None:
    """The target folder of the newest build under `build_dir` with its flags, or None before any build."""
    built = [
        (build_dir / folder, named)
        for folder, named in BUILD_TARGETS
        if all((build_dir / folder / name).is_file() for name in SEED_FILES)
    ]
    return max(built, key=lambda b: (b[0] / SEED_FILES[0]).stat().st_mtime_ns, default=None)


def _generate(settings: Settings, plan: RunPlan, build_dir: Path | None) -> Path:
    """Run `dbt docs generate --static` for the plan; the static index it wrote."""
    from kam.dbt_env import run_dbt

    invocation = dbt_invocation(settings, plan)
    work_dir = settings.home / DOCS_WORK_FOLDER
    target = work_dir / "target"
    target.mkdir(parents=True, exist_ok=True)
    (target / STATIC_INDEX).unlink(missing_ok=True)
    command = ["docs", "generate", "--static"]
    build = _latest_build(build_dir or dbt_work_dir(settings, plan))
    if build is not None:
        build_target, named = build
        for name in SEED_FILES:
            shutil.copyfile(build_target / name, target / name)
        command.append("--no-compile")
        if named:
            command += ["--profile", DBT_PROFILE, "--target", invocation.env["KAM_DBT_TARGET"]]
    result = run_dbt(
        settings, command, as_of=plan.as_of.isoformat(), work_dir=work_dir, extra_vars=invocation.vars, check=False
    )
    index = target / STATIC_INDEX
    if result.returncode != 0 or not index.is_file():
        raise RuntimeError(
            f"dbt docs generate failed (exit {result.returncode}):\n"
            f"{(result.stdout + result.stderr)[-OUTPUT_TAIL_CHARS:]}"
        )
    return index


def _install(index: Path, folder: Path) -> Path:
    """Put the static index in `folder` as INDEX_FILE, whole (temp file, then rename)."""
    folder.mkdir(parents=True, exist_ok=True)
    site = folder / INDEX_FILE
    tmp = folder / f".{INDEX_FILE}.{os.getpid()}.tmp"
    try:
        shutil.copyfile(index, tmp)
        os.replace(tmp, site)
    finally:
        tmp.unlink(missing_ok=True)
    return site


def docs(settings: Settings, plan: RunPlan, *, build_dir: Path | None = None) -> str | None:
    """Build the docs site of the plan's night into `<KAM_HOME>/docs/`; its path, or None when none was
    built (a backfill, or a failure, logged as a warning: the docs never fail a night).

    `build_dir`: the dbt folder of the night's build (default: the mode's, `dbt_work_dir`)."""
    if plan.is_backfill:
        log.info("backfill of %s: the docs site stays that of the latest nightly run", plan.as_of)
        return None
    started = time.monotonic()
    try:
        site = _install(_generate(settings, plan, build_dir), docs_dir(settings.home))
    except Exception:  # any failure of the docs is a warning: the night stands
        log.warning("the dbt docs site was not rebuilt for %s; the last one stays", plan.as_of, exc_info=True)
        return None
    log.info("dbt docs site %s built in %.1f s", site, time.monotonic() - started)
    return str(site)
