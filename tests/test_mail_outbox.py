"""The mail outbox: written in the sender's transaction, delivered only after it commits."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from dashboard.mail import MAX_PER_ADDRESS, deliver_pending, queue_mail
from models import OutboxMail, db

TO = "posta.prova@example.com"


def eml_count(app) -> int:
    """Count the messages written to the outbox folder."""
    return len(list(Path(app.config["MAIL_OUTBOX"]).glob("*.eml")))


def rows_to(address: str) -> int:
    """Count the outbox rows for an address."""
    return db.session.scalar(select(func.count(OutboxMail.id))
                             .where(OutboxMail.recipient == address))


def test_a_rolled_back_transaction_sends_nothing(app):
    before = eml_count(app)
    with app.app_context():
        assert queue_mail(TO, "Prova", "Non deve partire.")
        db.session.rollback()
        assert rows_to(TO) == 0
        db.session.commit()  # a later commit does not revive it
    assert eml_count(app) == before


def test_a_rolled_back_savepoint_sends_nothing(app):
    before = eml_count(app)
    with app.app_context():
        savepoint = db.session.begin_nested()
        assert queue_mail(TO, "Prova", "Non deve partire.")
        savepoint.rollback()
        db.session.commit()
        assert rows_to(TO) == 0
    assert eml_count(app) == before


def test_a_commit_outside_a_request_delivers_at_once(app):
    before = eml_count(app)
    with app.app_context():
        assert queue_mail(TO, "Prova", "Parte dopo il commit.")
        assert eml_count(app) == before  # not before the commit
        db.session.commit()
        assert eml_count(app) == before + 1
        row = db.session.scalar(select(OutboxMail).where(OutboxMail.recipient == TO))
        assert row.sent_at is not None and row.attempts == 1 and row.body == ""
        assert deliver_pending() == (0, 0)  # nothing left for the command


def test_the_cap_counts_rows_per_address_whatever_the_case(app):
    with app.app_context():
        accepted = [queue_mail(TO.upper() if i % 2 else TO, "Prova", "x") for i in range(5)]
        assert accepted == [True] * MAX_PER_ADDRESS + [False] * (5 - MAX_PER_ADDRESS)
        assert queue_mail("altra." + TO, "Prova", "x")  # another address is not affected
        db.session.rollback()


def test_a_header_injection_is_refused_not_sent(app):
    with app.app_context():
        assert not queue_mail("a@example.com\nBcc: tutti@example.com", "Prova", "x")
        assert not queue_mail(TO, "Oggetto\nBcc: tutti@example.com", "x")
        db.session.rollback()
