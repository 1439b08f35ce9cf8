"""Test doubles shared by the test suites (e.g. `smtp_sink.SmtpSink`, a local SMTP server)."""
