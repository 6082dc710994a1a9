"""Outgoing email through an outbox: queued in the caller's transaction, sent after it commits.

`queue_mail` writes a row in the same transaction as the change the message announces, so a
rolled-back change sends nothing and a committed one cannot lose its message. Delivery (SMTP in
production, an .eml file in MAIL_OUTBOX in development and tests) happens once the transaction
has committed: after the response has gone to the browser, on a thread of its own, when there
is a request, so a slow or failing mail server neither delays nor changes any answer.
Failures stay on the row and `flask --app run mail send` retries them.
"""
from __future__ import annotations

import logging
import smtplib
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from functools import partial
from pathlib import Path

import click
from flask import Flask, Response, current_app, g, has_request_context
from flask.cli import AppGroup
from sqlalchemy import and_, delete, event, func, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from models import OutboxMail, db
from models.entities import utcnow

log = logging.getLogger(__name__)

MAX_PER_ADDRESS = 3          # messages per recipient per hour, whatever the flow
PER_ADDRESS_WINDOW = timedelta(hours=1)
# A row the request did not get to deliver (a worker that died) waits this long for the command,
# so the command and the request never send the same message twice.
GRACE = timedelta(minutes=2)
RETRY_AFTER = timedelta(minutes=5)
MAX_ATTEMPTS = 10
# The links in a message expire within a day: after that a message is no use to anyone.
GIVE_UP_AFTER = timedelta(days=1)
KEEP = timedelta(days=30)
BATCH = 100
_PENDING = "outbox_pending"       # session.info: rows written in the open transaction
_AFTER_RESPONSE = "outbox_after_response"  # flask.g: rows committed during this request
DELIVERY_THREAD = "mail-delivery"


@dataclass(frozen=True)
class Queued:
    """A message written to the outbox, as it will be delivered."""

    id: int
    to: str
    subject: str
    body: str


def build_message(to: str, subject: str, body: str, sender: str) -> EmailMessage:
    """Compose a plain-text message; the email package refuses header injection."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=message["From"].addresses[0].domain or None)
    message.set_content(body)
    return message


def recent_count(recipient: str, now: datetime | None = None) -> int:
    """Count the messages queued for an address in the last hour."""
    since = (now or utcnow()) - PER_ADDRESS_WINDOW
    return db.session.scalar(select(func.count(OutboxMail.id)).where(
        OutboxMail.recipient == recipient, OutboxMail.created_at >= since)) or 0


def queue_mail(to: str, subject: str, body: str, *, send: bool = True) -> bool:
    """Write a message to the outbox in the caller's transaction; False if it is refused.

    A message is refused when its address has had MAX_PER_ADDRESS messages in the last hour
    (so no form can be used to flood a mailbox) or when it cannot be composed. The caller
    answers the same either way: a refusal must not tell anything about the address.
    With send=False the row only records a request that mails nobody (an unknown login), so
    that request does the same database work as one that sends.
    """
    recipient = to.strip().lower()[:254]
    if recent_count(recipient) >= MAX_PER_ADDRESS:
        log.info("mail to %s not queued: %d in the last hour", recipient, MAX_PER_ADDRESS)
        return False
    try:
        # A login that matches nobody need not be an address: only the text is checked.
        build_message(recipient if send else "", subject, body,
                      current_app.config["MAIL_SENDER"])
    except ValueError as error:  # e.g. a line break in a header: never sent
        log.warning("mail to %r refused: %s", recipient, error)
        return False
    row = OutboxMail(recipient=recipient, subject=subject, body=body if send else "")
    if not send:
        row.attempts, row.last_error = MAX_ATTEMPTS, "Nessun destinatario: non inviato."
    db.session.add(row)
    db.session.flush()  # the id names the row when the message is delivered
    if send:
        db.session.info.setdefault(_PENDING, []).append(
            Queued(row.id, recipient, subject, body))
    return send


def _after_commit(session: Session) -> None:
    """Hand the committed messages over for delivery: after the response, or now."""
    queued = session.info.pop(_PENDING, None)
    if not queued:
        return
    app = current_app._get_current_object()
    if has_request_context():
        g.setdefault(_AFTER_RESPONSE, []).extend(queued)
    else:  # a command or a script: there is no response to wait for
        deliver(app, queued)


def _after_rollback(session: Session) -> None:
    """Forget the messages of a rolled-back transaction: their rows are gone too."""
    # A savepoint's rollback lands here too: committed rows forgotten with it wait for
    # `mail send`, which sends them after GRACE.
    session.info.pop(_PENDING, None)


def _deliver_after_response(response: Response) -> Response:
    """Send this request's committed messages once the response has been sent."""
    queued = g.get(_AFTER_RESPONSE)
    if queued:
        # The list, not a copy: rows committed later in this request go out with it.
        response.call_on_close(partial(_start_delivery, current_app._get_current_object(),
                                       queued))
    return response


def _start_delivery(app: Flask, queued: list[Queued]) -> None:
    """Deliver on a thread of its own, so the connection is free at once.

    A next request on the same keep-alive connection must not wait for the mail server:
    its delay would tell that the previous request sent a message. A thread cut short (a
    worker recycled) leaves its rows unsent, and `flask mail send` sends them.
    """
    threading.Thread(target=deliver, args=(app, queued), name=DELIVERY_THREAD,
                     daemon=True).start()


def deliver(app: Flask, queued: list[Queued]) -> None:
    """Deliver messages and record each outcome on its row."""
    with app.app_context():
        for item in queued:
            error = _send(item.to, item.subject, item.body)
            _record(item.id, error, utcnow())


def _send(to: str, subject: str, body: str) -> str | None:
    """Hand one message over by SMTP or to the outbox folder; return the error, if any."""
    config = current_app.config
    try:
        message = build_message(to, subject, body, config["MAIL_SENDER"])
        if config.get("MAIL_SERVER"):
            _send_smtp(message, config)
        else:
            _write_outbox(message, Path(config["MAIL_OUTBOX"]))
    except (OSError, smtplib.SMTPException, ValueError) as error:
        log.warning("mail to %s not sent: %s", to, error)
        return (str(error) or type(error).__name__)[:500]
    return None


def _record(mail_id: int, error: str | None, now: datetime) -> None:
    """Write an attempt's outcome on its row, in a session of its own."""
    values: dict = {"attempts": OutboxMail.attempts + 1, "last_attempt_at": now,
                    "last_error": error}
    if error is None:
        # Sent: drop the body, whose links are stored nowhere else in clear.
        values |= {"sent_at": now, "body": ""}
    try:
        with Session(db.engine) as session:
            session.execute(update(OutboxMail).where(OutboxMail.id == mail_id).values(**values))
            session.commit()
    except SQLAlchemyError as failure:  # the message went; `mail send` may repeat it
        log.warning("outcome of mail %s not recorded: %s", mail_id, failure)


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


def _due(now: datetime):
    """Select the rows the command should try now."""
    return and_(
        OutboxMail.sent_at.is_(None), OutboxMail.attempts < MAX_ATTEMPTS,
        OutboxMail.created_at >= now - GIVE_UP_AFTER,
        or_(and_(OutboxMail.last_attempt_at.is_(None), OutboxMail.created_at < now - GRACE),
            OutboxMail.last_attempt_at < now - RETRY_AFTER))


def deliver_pending(now: datetime | None = None) -> tuple[int, int]:
    """Retry the messages still waiting; return how many went and how many failed again."""
    now = now or utcnow()
    sent = failed = 0
    ids = db.session.scalars(select(OutboxMail.id).where(_due(now))
                             .order_by(OutboxMail.id).limit(BATCH)).all()
    for mail_id in ids:
        # Claim the row first: two senders running at once never send it twice.
        claimed = db.session.execute(
            update(OutboxMail).where(OutboxMail.id == mail_id, _due(now))
            .values(last_attempt_at=now)).rowcount
        db.session.commit()
        row = db.session.get(OutboxMail, mail_id) if claimed else None
        if row is None:
            continue
        error = _send(row.recipient, row.subject, row.body)
        db.session.rollback()  # end the read transaction: _record writes in its own session
        _record(mail_id, error, now)
        sent, failed = (sent + 1, failed) if error is None else (sent, failed + 1)
    _forget_old(now)
    return sent, failed


def _forget_old(now: datetime) -> None:
    """Blank the links of messages given up on, and delete rows no cap needs any more."""
    db.session.execute(update(OutboxMail).where(
        OutboxMail.sent_at.is_(None), OutboxMail.created_at < now - GIVE_UP_AFTER,
        OutboxMail.body != "").values(body="", last_error="Non inviato: troppo vecchio."))
    db.session.execute(delete(OutboxMail).where(OutboxMail.created_at < now - KEEP))
    db.session.commit()


mail_cli = AppGroup("mail", help="Posta in uscita.")


@mail_cli.command("send")
def send_command() -> None:
    """Deliver the messages still waiting in the outbox (run it every few minutes)."""
    sent, failed = deliver_pending()
    click.echo(f"Messaggi inviati: {sent}; non riusciti: {failed}.")
    if failed:
        raise SystemExit(1)


def install(server: Flask) -> None:
    """Deliver queued mail after commit and after the response; add `flask mail send`."""
    listeners: tuple[tuple[str, Callable], ...] = (
        ("after_commit", _after_commit), ("after_rollback", _after_rollback))
    for name, listener in listeners:
        if not event.contains(db.session, name, listener):  # once per process
            event.listen(db.session, name, listener)
    server.after_request(_deliver_after_response)
    server.cli.add_command(mail_cli)
