"""Airflow operators of the key-account warehouse: thin wrappers of the `kam.pipeline` stages, one per module.

They import `kam.pipeline` inside `execute`, so the DAG parses without touching
the warehouse or heavy libraries.
"""

from operators.kam_dbt_interceptor import KamDbtInterceptor
from operators.kam_docs_operator import KamDocsOperator
from operators.kam_export_operator import KamExportOperator
from operators.kam_extract_operator import KamExtractOperator
from operators.kam_gate_operator import KamGateOperator
from operators.kam_operator import KamOperator
from operators.kam_plan_operator import KamPlanOperator
from operators.kam_publish_operator import KamPublishOperator
from operators.kam_workbook_mail_operator import KamWorkbookMailOperator

__all__ = [
    "KamDbtInterceptor",
    "KamDocsOperator",
    "KamExportOperator",
    "KamExtractOperator",
    "KamGateOperator",
    "KamOperator",
    "KamPlanOperator",
    "KamPublishOperator",
    "KamWorkbookMailOperator",
]
