"""Self-service: registration with email confirmation, password reset, "Il mio account"."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, render_template, request
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from models import Account, Contract, Customer, Invoice, LoginSession, db
from models.entities import utcnow
from models.enums import Role
from models.password_rules import RULES, broken_rules, explain, personal_words
from models.queries import account_by_login

from .. import branding
from ..i18n import N_, _
from ..mail import queue_mail
from . import bill_facts, throttle, tokens
from .bill_facts import InvoiceRef
from .forms import ChangeEmailForm, ChangePasswordForm, ForgotForm, RegistrationForm, ResetForm
from .identity import client_ip, current_viewer, end_sessions
from .routes import address_throttle_error, current_password_error

bp = Blueprint("accounts", __name__)

NOT_MATCHING = N_("I dati non corrispondono a un nostro cliente. Controlla codice cliente, "
                   "codice fiscale o partita IVA e numero di fattura, come sono scritti in "
                   "bolletta.")
ALREADY = N_("Per questo cliente esiste già un accesso all'area riservata: accedi, oppure "
             "reimposta la password se non la ricordi.")
FORGOT_SENT = N_("Se i dati corrispondono a un accesso, ti abbiamo inviato un'email con il link "
                 "per scegliere una nuova password (vale 30 minuti) o, se non hai ancora "
                 "confermato la registrazione, con il link per confermarla.")
# An unconfirmed registration holds its email and its customer no longer than this.
REGISTRATION_LIFETIME = timedelta(days=7)


def _portal() -> str:
    """Name the portal in mail subjects: «Area Riservata SECAB»."""
    return branding.current().portal_name


def _page(template: str, status: int = 200, **context):
    """Render an account page with the password rules for the live checklist."""
    return render_template(template, rules=RULES, **context), status


def _message(title: str, message: str, status: int = 200,
             link: tuple[str, str] | None = None):
    """Render a one-message page; its button leads to the link (path, text) or home."""
    return render_template("message.html", title=title, message=message, link=link), status


def _normalise_code(value: str | None) -> str:
    """Compare codes the way people type them: no spaces, upper case."""
    return "".join((value or "").split()).upper()


def identify_customer(code: str, tax_code: str, invoice: InvoiceRef) -> Customer | None:
    """Return the customer only if all three facts from the bill match.

    The arguments are already read by bill_facts (normalized, well formed). The codice
    fiscale field also takes the partita IVA of a firm or a professional.
    """
    customer = db.session.scalar(select(Customer).where(Customer.code == code))
    if customer is None:
        return None
    if tax_code not in {_normalise_code(customer.tax_code), _normalise_code(customer.vat_number)}:
        return None
    query = (select(Invoice.id).join(Contract, Invoice.contract_id == Contract.id)
             .where(Contract.customer_id == customer.id, Invoice.number == invoice.number))
    if invoice.year is not None:
        query = query.where(Invoice.fiscal_year == invoice.year)
    return customer if db.session.scalar(query.limit(1)) is not None else None


def _password_problem(password: str, *account_data: str | None) -> str | None:
    """Explain which password rules are broken, or None."""
    return explain(broken_rules(password, personal_words(*account_data))) or None


@bp.route("/registrazione", methods=["GET", "POST"])
def register():
    """Let a customer create their login after proving who they are."""
    form = RegistrationForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return _page("register.html", status, form=form)
    # Per client address only: a customer code in the count would let strangers block it.
    verdict = throttle.check_address(throttle.REGISTER, client_ip())
    if not verdict.allowed:
        return _page("register.html", 429, form=form, error=verdict.message())
    customer = identify_customer(form.customer_code.fact, form.tax_code.fact,
                                 form.invoice_number.fact)
    if customer is None:
        throttle.record_address(throttle.REGISTER, client_ip())
        db.session.commit()
        return _page("register.html", 400, form=form, error=_(NOT_MATCHING))
    email = form.email.data.strip().lower()
    problem = _password_problem(form.password.data, customer.name, customer.code, email)
    if problem:
        return _page("register.html", 400, form=form, error=problem)
    try:
        if not _save_registration(customer, email, form.password.data):
            return _page("register.html", 400, form=form, error=_(ALREADY))
        db.session.commit()
    except IntegrityError:
        # A twin request (a double click) saved the same registration first: its mail is sent.
        db.session.rollback()
    return _registration_sent(email)


def _registration_sent(email: str):
    """Answer every accepted registration alike, whether or not the email was free."""
    return _message(_("Controlla la tua email"),
                    _("Ti abbiamo inviato un'email a %(email)s. Apri il link che contiene per "
                      "attivare l'accesso: vale 24 ore.", email=email))


def purge_expired_registrations() -> None:
    """Delete registrations left unconfirmed too long: their email and customer are free again."""
    # password_changed_at is set at every (re)registration: it dates the latest attempt.
    db.session.execute(delete(Account).where(
        Account.awaiting_confirmation.is_(True),
        Account.password_changed_at < utcnow() - REGISTRATION_LIFETIME))


def _save_registration(customer: Customer, email: str, password: str) -> bool:
    """Create (or renew) the customer's unconfirmed login and queue its mail; False if one exists.

    When the email already belongs to another login, nothing is created and the owner of the
    address is told by mail instead: the page must not show who uses which address.
    """
    purge_expired_registrations()
    existing = db.session.scalar(select(Account).where(Account.customer_id == customer.id))
    if existing is not None and not existing.awaiting_confirmation:
        return False
    taken = db.session.scalar(select(Account).where(Account.email == email))
    if taken is not None and taken is not existing:
        queue_mail(email, _("Tentativo di registrazione all'%(portal)s", portal=_portal()),
                   render_template("mail/register_taken.txt", base=_base_url()))
        return True
    account = existing or Account(customer_id=customer.id, role=Role.MEMBER)
    account.email = email
    account.password_hash = current_app.config["PASSWORD_POLICY"].hash(password)
    account.awaiting_confirmation = True
    account.password_changed_at = utcnow()
    db.session.add(account)
    db.session.flush()
    link = tokens.issue(account, tokens.VERIFY_EMAIL)
    _queue_verification(email, customer.name, link)
    return True


def _queue_verification(email: str, name: str, link: str) -> None:
    """Queue the mail with the link that confirms a registration."""
    queue_mail(email, _("Conferma il tuo accesso all'%(portal)s", portal=_portal()),
               render_template("mail/verify.txt", name=name, link=link))


def _base_url() -> str:
    """Return the portal's public address, for links in mails."""
    return current_app.config["BASE_URL"].rstrip("/")


@bp.get("/registrazione/conferma/<raw>")
def confirm_registration(raw: str):
    """Activate an account from the link in the confirmation email."""
    token = tokens.find(raw, tokens.VERIFY_EMAIL)
    if token is None:
        if tokens.confirmed_by(raw):
            return _message(_("Accesso già attivato"),
                            _("Il tuo indirizzo è già confermato: puoi accedere con la tua "
                              "email o con il codice cliente."), link=("/login", _("Accedi")))
        return _message(_("Link non valido"),
                        _("Il link non è valido o è scaduto. Chiedine uno nuovo da «Password "
                          "dimenticata»; se ti sei registrato più di 7 giorni fa, registrati "
                          "di nuovo."), 404,
                        link=("/password/dimenticata", _("Password dimenticata")))
    token.account.awaiting_confirmation = False
    tokens.use(token)
    db.session.commit()
    return _message(_("Accesso attivato"),
                    _("Il tuo indirizzo è confermato. Ora puoi accedere con la tua email o con "
                      "il codice cliente."), link=("/login", _("Accedi")))


@bp.route("/password/dimenticata", methods=["GET", "POST"])
def forgot():
    """Send a reset link, or the confirmation again; the same answer whether or not it exists.

    A customer who registered but lost the confirmation mail gets a new confirmation link:
    resetting a password they have just chosen would not let them in.
    """
    form = ForgotForm()
    if not form.validate_on_submit():
        return _page("forgot.html", 400 if request.method == "POST" else 200, form=form)
    try:
        login_name = bill_facts.login(form.login.data)
    except bill_facts.FormatError as error:
        return _page("forgot.html", 400, form=form, error=str(error))
    purge_expired_registrations()  # an expired registration is no account any more
    account = account_by_login(db.session, login_name)
    usable = account is not None and account.is_active
    if usable and account.awaiting_confirmation:
        link = tokens.issue(account, tokens.VERIFY_EMAIL)
        name = account.customer.name if account.customer else ""
        _queue_verification(account.email, name, link)
    else:
        # An unknown login gets a decoy token and a row that mails nobody: the same queries and
        # writes as a real reset, so the time taken does not tell whether the account exists.
        link = tokens.issue(account if usable else None, tokens.RESET_PASSWORD)
        queue_mail(account.email if usable else login_name,
                   _("Nuova password per l'%(portal)s", portal=_portal()),
                   render_template("mail/reset.txt", link=link), send=usable)
    db.session.commit()
    return _message(_("Controlla la tua email"), _(FORGOT_SENT))


@bp.route("/password/reimposta/<raw>", methods=["GET", "POST"])
def reset(raw: str):
    """Choose a new password from a reset link."""
    token = tokens.find(raw, tokens.RESET_PASSWORD)
    if token is None:
        return _message(_("Link non valido"), _("Il link non è valido o è scaduto. Chiedine "
                                                 "uno nuovo da «Password dimenticata»."), 404)
    form = ResetForm()
    if not form.validate_on_submit():
        return _page("reset.html", 400 if request.method == "POST" else 200, form=form)
    account = token.account
    customer = account.customer
    problem = _password_problem(form.password.data, customer.name if customer else None,
                                customer.code if customer else None, account.email)
    if problem:
        return _page("reset.html", 400, form=form, error=problem)
    _set_password(account, form.password.data)
    tokens.use(token)
    end_sessions(account.id)  # whoever knew the old password is out
    throttle.clear_account(account.id)  # the member proved who they are: no more slow-down
    db.session.commit()
    return _message(_("Password cambiata"), _("La nuova password è attiva. Ora puoi accedere."))


def _set_password(account: Account, password: str) -> None:
    """Store a new password hash; older links and sessions are judged against this moment."""
    account.password_hash = current_app.config["PASSWORD_POLICY"].hash(password)
    account.password_changed_at = utcnow()


def _recent_logins(account_id: int) -> list[LoginSession]:
    """Return the account's last logins, newest first."""
    return list(db.session.scalars(
        select(LoginSession).where(LoginSession.account_id == account_id)
        .order_by(LoginSession.created_at.desc()).limit(10)))


@bp.route("/account", methods=["GET", "POST"])
def account_page():
    """Show "Il mio account": change password, change email, last logins."""
    viewer = current_viewer()
    account = db.session.get(Account, viewer.account_id)
    password_form = ChangePasswordForm(prefix="pw")
    email_form = ChangeEmailForm(prefix="em")
    notice, error, status = None, None, 200
    action = request.form.get("action")
    if action == "password" and password_form.validate_on_submit():
        notice, error = _change_password(account, viewer.session_id, password_form)
    elif action == "email" and email_form.validate_on_submit():
        notice, error = _change_email(account, email_form)
    elif request.method == "POST":
        error = _("Controlla i campi evidenziati.")
    if error:
        status = 400
    return _page("account.html", status, account=account, password_form=password_form,
                 email_form=email_form, logins=_recent_logins(account.id),
                 current_session=viewer.session_id, notice=notice, error=error)


def _change_password(account: Account, session_id: int,
                     form: ChangePasswordForm) -> tuple[str | None, str | None]:
    """Change the password after checking the current one."""
    refused = current_password_error(account, form.current.data)
    if refused:
        return None, refused
    customer = account.customer
    problem = _password_problem(form.password.data, customer.name if customer else None,
                                customer.code if customer else None, account.email)
    if problem:
        return None, problem
    _set_password(account, form.password.data)
    if form.end_others.data:
        end_sessions(account.id, keep=session_id)
    db.session.commit()
    if form.end_others.data:
        return _("Password cambiata. Gli altri dispositivi sono stati scollegati."), None
    return _("Password cambiata."), None


def _change_email(account: Account, form: ChangeEmailForm) -> tuple[str | None, str | None]:
    """Send a confirmation link to the new address; the old one stays until it is confirmed."""
    refused = (address_throttle_error(throttle.EMAIL_CHANGE)
               or current_password_error(account, form.current.data))
    if refused:
        return None, refused
    new_email = form.email.data.strip().lower()
    purge_expired_registrations()
    if db.session.scalar(select(Account.id).where(Account.email == new_email)) is not None:
        # The same answer as for a free address; the address's owner is told by mail.
        queue_mail(new_email, _("Richiesta di usare questo indirizzo per l'%(portal)s",
                                portal=_portal()),
                   render_template("mail/change_email_taken.txt", base=_base_url()))
    else:
        link = tokens.issue(account, tokens.CHANGE_EMAIL, new_email=new_email)
        queue_mail(new_email, _("Conferma la nuova email dell'%(portal)s", portal=_portal()),
                   render_template("mail/change_email.txt", link=link))
    db.session.commit()
    return _("Ti abbiamo inviato un link a %(email)s: l'email di accesso cambia quando lo "
             "apri e confermi.", email=new_email), None


@bp.route("/account/email/<raw>", methods=["GET", "POST"])
def confirm_email_change(raw: str):
    """Show the new email with a button; only the button's POST switches the login email.

    Mail scanners open links: a GET must change nothing.
    """
    token = tokens.find(raw, tokens.CHANGE_EMAIL)
    if token is None or _email_taken(token.new_email):
        return _message(_("Link non valido"), _("Il link non è valido o è scaduto."), 404)
    if request.method == "GET":
        return render_template("confirm_email.html", new_email=token.new_email)
    account, new_email = token.account, token.new_email
    try:
        old_email, account.email = account.email, new_email
        # Spends this link and every other one sent before, reset links to the old address too.
        tokens.void(account.id)
        queue_mail(old_email, _("L'email di accesso all'%(portal)s è cambiata", portal=_portal()),
                   render_template("mail/email_changed.txt", new_email=_masked(new_email)))
        db.session.commit()
    except IntegrityError:  # the address was taken meanwhile (any flush may find out)
        db.session.rollback()
        return _message(_("Link non valido"), _("Il link non è valido o è scaduto."), 404)
    return _message(_("Email cambiata"), _("Da ora accedi con %(email)s.", email=new_email))


def _email_taken(email: str | None) -> bool:
    """Tell whether a login already uses the address."""
    return db.session.scalar(select(Account.id).where(Account.email == email)) is not None


def _masked(email: str) -> str:
    """Hide most of an address's local part, for a mail that may reach the wrong person."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"
