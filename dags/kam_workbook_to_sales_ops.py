"""`kam_workbook_to_sales_ops`: when a night's export lands, mail its workbook to sales ops.

Scheduled on the asset `kam://exports/segments` (`operators.assets.EXPORTS`), which the
`export` task of `kam_nightly` updates with the night's as-of date in the event's extra;
the one task mails `kam_segments_<D>.xlsx` of that D to KAM_SALES_OPS_EMAIL
(`operators.KamWorkbookMailOperator`, through the SMTP provider's notifier).
"""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import DAG

from kam.config import task_timeouts
from operators import KamWorkbookMailOperator
from operators.assets import EXPORTS

with DAG(
    dag_id="kam_workbook_to_sales_ops",
    description="Mail the workbook of each exported night to sales ops",
    schedule=[EXPORTS],
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"owner": "kam", "retries": 2, "execution_timeout": task_timeouts()["mail"]},
    tags=["kam", "sales-ops", "assets"],
    doc_md=__doc__,
) as dag:
    KamWorkbookMailOperator(
        task_id="mail_workbook",
        asset=EXPORTS,
        doc_md="`kam_segments_<D>.xlsx` of the triggering export's as-of D, attached, to KAM_SALES_OPS_EMAIL.",
    )
