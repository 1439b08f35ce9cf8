"""`SmtpSink()`: a tiny SMTP server on 127.0.0.1 that keeps every message it receives, for tests.

A threaded `socketserver` speaking just enough SMTP for `smtplib` and Airflow's SMTP
provider (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; no AUTH, no TLS: the connection
needs `disable_tls`). Use it as a context manager; `.host` and `.port` to connect,
`.messages` are the received messages parsed as `email.message.Message` and
`.envelopes` their (sender, recipients) as given to MAIL and RCPT. A message is stored
before the server acknowledges it, so it is there when the client's `sendmail` returns.
`mail_env(sink)` is the environment that points the pipeline's mails at a sink.
"""

from __future__ import annotations

import email
import json
import socketserver
import threading
from email.message import Message

HOST = "127.0.0.1"
ALERT_FROM, ALERT_TO, SALES_OPS_TO = "kam@example.com", "data@example.com", "sales-ops@example.com"


def _address(argument: str) -> str:
    """The address of `FROM:<a@b>` / `TO:<a@b>` (parameters after it ignored)."""
    value = argument.split(":", 1)[1].strip() if ":" in argument else argument.strip()
    return value.split(">", 1)[0].lstrip("<").strip()


class _SmtpSession(socketserver.StreamRequestHandler):
    """One client connection: a command loop until QUIT or end of stream."""

    server: _SmtpServer

    def _reply(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")

    def _read_line(self) -> str | None:
        raw = self.rfile.readline()
        return raw.decode("utf-8", "replace").rstrip("\r\n") if raw else None

    def _read_data(self) -> bytes:
        """The message after DATA up to the lone `.` line, dot-stuffing undone, line ends as `\\n`."""
        lines = []
        while (raw := self.rfile.readline()) and (line := raw.rstrip(b"\r\n")) != b".":
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"\n".join(lines) + b"\n"

    def handle(self) -> None:
        sender, recipients = None, []
        self._reply(f"220 {HOST} kam test SMTP sink")
        while (line := self._read_line()) is not None:
            verb, _, argument = line.partition(" ")
            verb = verb.upper()
            if verb == "EHLO":
                self._reply(f"250-{HOST}")
                self._reply("250 8BITMIME")
            elif verb == "HELO":
                self._reply(f"250 {HOST}")
            elif verb == "MAIL":
                sender, recipients = _address(argument), []
                self._reply("250 OK")
            elif verb == "RCPT":
                if sender is None:
                    self._reply("503 MAIL first")
                    continue
                recipients.append(_address(argument))
                self._reply("250 OK")
            elif verb == "DATA":
                if not recipients:
                    self._reply("503 RCPT first")
                    continue
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                self.server.keep(email.message_from_bytes(self._read_data()), sender, recipients)
                sender, recipients = None, []
                self._reply("250 OK")
            elif verb == "RSET":
                sender, recipients = None, []
                self._reply("250 OK")
            elif verb == "NOOP":
                self._reply("250 OK")
            elif verb == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply(f"502 {verb} not implemented")


class _SmtpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__((HOST, 0), _SmtpSession)
        self._lock = threading.Lock()
        self.messages: list[Message] = []
        self.envelopes: list[tuple[str | None, list[str]]] = []

    def keep(self, message: Message, sender: str | None, recipients: list[str]) -> None:
        with self._lock:
            self.messages.append(message)
            self.envelopes.append((sender, list(recipients)))


class SmtpSink:
    """A local SMTP server for the duration of a `with` block (port chosen by the system)."""

    def __init__(self) -> None:
        self._server: _SmtpServer | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> SmtpSink:
        self._server = _SmtpServer()
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="smtp-sink", daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    @property
    def host(self) -> str:
        return HOST

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def messages(self) -> list[Message]:
        return list(self._server.messages)

    @property
    def envelopes(self) -> list[tuple[str | None, list[str]]]:
        return list(self._server.envelopes)


def mail_env(sink: SmtpSink, conn_id: str = "kam_test_smtp") -> dict[str, str]:
    """The environment that sends the pipeline's mails to `sink`: an Airflow SMTP connection
    `conn_id` (no TLS, no SSL) and the KAM_* recipients (alerts: data@, workbook: sales-ops@)."""
    connection = {
        "conn_type": "smtp",
        "host": sink.host,
        "port": sink.port,
        "extra": {"disable_tls": True, "disable_ssl": True, "retry_limit": 0, "timeout": 10},
    }
    return {
        f"AIRFLOW_CONN_{conn_id.upper()}": json.dumps(connection),
        "KAM_SMTP_CONN_ID": conn_id,
        "KAM_ALERT_FROM": ALERT_FROM,
        "KAM_ALERT_EMAIL": ALERT_TO,
        "KAM_SALES_OPS_EMAIL": SALES_OPS_TO,
    }
