"""Staff accounts come from the admin command, with the same password rules."""
from sqlalchemy import delete, select

from models import Account, db
from models.enums import Role


def test_admin_command_creates_a_staff_login(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["staff", "create", "nuova.assistente@example.com", "assistenza",
                                 "--name", " Nadia  Primus ", "--password", "Sportello!Paluzza9"])
    assert result.exit_code == 0, result.output
    assert "Creato l'accesso" in result.output
    with app.app_context():
        account = db.session.scalar(select(Account).where(
            Account.email == "nuova.assistente@example.com"))
        assert account.role is Role.SUPPORT and account.customer_id is None
        assert account.display_name == "Nadia Primus"
        db.session.execute(delete(Account).where(Account.id == account.id))
        db.session.commit()


def test_weak_password_or_member_role_is_refused(app):
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["staff", "create", "debole@example.com", "admin",
                               "--password", "password"])
    assert weak.exit_code != 0 and "maiuscola" in weak.output
    member = runner.invoke(args=["staff", "create", "x@example.com", "socio",
                                 "--password", "Sportello!Paluzza9"])
    assert member.exit_code != 0


def test_a_name_with_control_characters_is_refused(app):
    result = app.test_cli_runner().invoke(args=[
        "staff", "create", "nome@example.com", "consulente", "--name", "Ada\x1b[2J",
        "--password", "Sportello!Paluzza9"])
    assert result.exit_code != 0 and "caratteri stampabili" in result.output
    with app.app_context():
        assert db.session.scalar(select(Account).where(Account.email == "nome@example.com")) is None
