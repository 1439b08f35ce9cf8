"""The key-account warehouse: extraction, quality gate, publication and exports."""
