"""Each test starts from the demo data: what one test writes, the next one never sees."""
from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from models import Account, Contract, Customer, Invoice, db
from models.enums import Role


def every_row(app) -> dict[str, list[tuple]]:
    """Read every row of every table of the app's database, in primary-key order."""
    tables = app.extensions["test_snapshot"].live.sorted_tables
    with app.app_context(), db.engine.connect() as conn:
        return {t.name: conn.execute(select(t).order_by(*t.primary_key.columns)).all()
                for t in tables}


def add_login(customer_id: int) -> int:
    """Create a login for a customer; return its id."""
    account = Account(email=f"nuovo.{customer_id}@example.com", role=Role.MEMBER,
                      customer_id=customer_id, password_hash="x")
    db.session.add(account)
    db.session.commit()
    return account.id


def test_restore_undoes_inserts_updates_and_cascading_deletes(app, member, spare):
    snapshot = app.extensions["test_snapshot"]
    snapshot.restore()  # the member's login wrote a session row
    loaded = every_row(app)
    with app.app_context():
        first_id = add_login(spare["id"])
        db.session.execute(update(Contract).values(iban="IT00X0000000000000000000000"))
        db.session.execute(text("UPDATE customer SET name = 'Scritto a mano'"))
        # Cascades: the invoice's lines and payments, the member's sessions and tokens.
        db.session.execute(delete(Invoice).where(Invoice.id == db.session.scalar(
            select(Invoice.id).order_by(Invoice.id))))
        db.session.execute(delete(Account).where(Account.email == "socio@example.com"))
        db.session.commit()
    member.get("/")  # and what the app itself writes
    assert every_row(app) != loaded
    snapshot.restore()
    assert every_row(app) == loaded
    with app.app_context():
        assert add_login(spare["id"]) == first_id  # ids start again where the demo left them


def test_a_test_s_writes_are_gone_for_the_next_one(app):
    # Run in either order with the test above (pytest-randomly): never sees its writes.
    with app.app_context():
        names = set(db.session.scalars(select(Customer.name)))
        emails = set(db.session.scalars(select(Account.email)))
    assert "Scritto a mano" not in names
    assert "socio@example.com" in emails
    assert not any(e.startswith("nuovo.") for e in emails)


def test_what_a_test_commits_on_the_demo_session_stays_in_its_transaction(demo_session,
                                                                          demo_engine):
    demo_session.execute(update(Customer).values(name="Scritto e confermato"))
    demo_session.commit()
    assert "Scritto e confermato" in set(demo_session.scalars(select(Customer.name)))
    with Session(demo_engine) as other:  # what every other test sees
        assert "Scritto e confermato" not in set(other.scalars(select(Customer.name)))
