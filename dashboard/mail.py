"""Outgoing email: SMTP in production, an outbox folder in development and tests."""
from __future__ import annotations

import logging
import smtplib
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)


class MailError(RuntimeError):
    """The message could not be handed over for delivery."""


def build_message(to: str, subject: str, body: str, sender: str) -> EmailMessage:
    """Compose a plain-text message; the email package refuses header injection."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="secab.it")
    message.set_content(body)
    return message


def send_mail(to: str, subject: str, body: str) -> None:
    """Send a message, or write it to the outbox when no SMTP server is configured."""
    config = current_app.config
    try:
        message = build_message(to, subject, body, config["MAIL_SENDER"])
        if config.get("MAIL_SERVER"):
            _send_smtp(message, config)
        else:
            _write_outbox(message, Path(config["MAIL_OUTBOX"]))
    except (OSError, smtplib.SMTPException, ValueError) as error:
        log.warning("mail to %s not sent: %s", to, error)
        raise MailError(str(error)) from error


def _send_smtp(message: EmailMessage, config) -> None:
    """Hand the message to the SMTP server, over TLS."""
    with smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT", 587)),
                      timeout=10) as smtp:
        smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        smtp.send_message(message)


def _write_outbox(message: EmailMessage, outbox: Path) -> None:
    """Save the message as an .eml file a person or a test can open."""
    outbox.mkdir(parents=True, exist_ok=True)
    path = outbox / f"{uuid.uuid4().hex}.eml"
    path.write_bytes(bytes(message))
    log.info("mail to %s written to %s: %s", message["To"], path, message["Subject"])
