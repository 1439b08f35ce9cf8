"""`KamWorkbookMailOperator`: mail the workbook of the night an asset event announced, attached, to sales ops."""

from __future__ import annotations

from datetime import date
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseOperator
from airflow.sdk.exceptions import AirflowSkipException

if TYPE_CHECKING:
    from airflow.sdk import Asset, Context


class KamWorkbookMailOperator(BaseOperator):
    """Mail `kam_segments_<D>.xlsx` of the as-of D in the extra of the newest event of `asset` that
    triggered the run to KAM_SALES_OPS_EMAIL through the SMTP provider's `SmtpNotifier`; returns
    the workbook's path. Skipped when no event triggered the run or no recipient is configured."""

    template_fields = ()
    ui_color = "#e8f0e0"

    def __init__(self, *, asset: Asset, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.asset = asset

    def execute(self, context: Context) -> str:
        from airflow.providers.smtp.notifications.smtp import SmtpNotifier

        from kam.config import load_settings
        from kam.export.exporter import workbook_name

        events = list(context["triggering_asset_events"][self.asset])
        if not events:
            raise AirflowSkipException(f"no event of {self.asset.uri} triggered this run: no night to mail")
        extra = max(events, key=lambda event: event.timestamp).extra
        as_of = date.fromisoformat(extra["as_of"])
        settings = load_settings()
        if not settings.sales_ops_email:
            raise AirflowSkipException("KAM_SALES_OPS_EMAIL is not set: nobody to mail the workbook to")
        workbook = Path(settings.export_dir) / as_of.isoformat() / workbook_name(as_of)
        if not workbook.is_file():
            raise FileNotFoundError(f"the workbook of as-of {as_of} is missing: {workbook}")
        night = f"as of {as_of}" + (" (backfill)" if extra.get("backfill") else "")
        SmtpNotifier(
            to=[a.strip() for a in settings.sales_ops_email.split(",") if a.strip()],
            from_email=settings.alert_from,
            subject=f"KAM key-account workbook {night}",
            html_content=f"<p>The key-account workbook {night} (run {escape(str(extra.get('run_id')))}) is attached: "
            f"<code>{workbook.name}</code>.</p>",
            files=[str(workbook)],
            smtp_conn_id=settings.smtp_conn_id,
        )(context)
        self.log.info("mailed %s to %s", workbook, settings.sales_ops_email)
        return str(workbook)
