"""The nightly export folder for sales ops: CSV files, the workbook and manifest.json."""

from kam.export.exporter import ExportError, export_run

__all__ = ["ExportError", "export_run"]
