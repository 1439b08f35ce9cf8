"""tests.support.smtp_sink: what smtplib sends arrives parsed, envelope and dot-stuffed lines intact."""

import smtplib
from email.message import EmailMessage

from tests.support.smtp_sink import SmtpSink


def _message(subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "kam@example.com"
    message["To"] = "ops@example.com"
    message["Subject"] = subject
    message.set_content(body)
    message.add_attachment(b"PK\x03\x04 bytes", maintype="application", subtype="octet-stream", filename="w.xlsx")
    return message


def test_sink_keeps_each_message_with_its_envelope_and_attachment():
    with SmtpSink() as sink, smtplib.SMTP(sink.host, sink.port) as client:
        client.send_message(_message("first", "line one\n.starts with a dot\n"), to_addrs=["ops@example.com"])
        client.send_message(_message("second", "x\n"), to_addrs=["a@example.com", "b@example.com"])

    assert [m["Subject"] for m in sink.messages] == ["first", "second"]
    assert sink.envelopes == [
        ("kam@example.com", ["ops@example.com"]),
        ("kam@example.com", ["a@example.com", "b@example.com"]),
    ]
    body, attachment = sink.messages[0].get_payload()
    assert body.get_payload(decode=True) == b"line one\n.starts with a dot\n"
    assert attachment.get_filename() == "w.xlsx"
    assert attachment.get_payload(decode=True) == b"PK\x03\x04 bytes"


def test_sink_refuses_data_before_a_recipient():
    with SmtpSink() as sink, smtplib.SMTP(sink.host, sink.port) as client:
        client.ehlo()
        assert client.mail("kam@example.com")[0] == 250
        assert client.docmd("DATA")[0] == 503
    assert sink.messages == []
