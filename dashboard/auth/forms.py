"""The account forms: field limits here, password rules in models.password_rules."""
from __future__ import annotations

from flask_babel import lazy_gettext
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length, ValidationError

from models.password_rules import MAX_LENGTH

from ..i18n import _
from . import bill_facts

# Lazy: the forms are built at import, the texts are read in each viewer's language.
REQUIRED = lazy_gettext("Campo obbligatorio.")
EMAIL = Email(message=lazy_gettext(
    "Scrivi un indirizzo email valido, ad esempio nome@esempio.it."))


def printable(form, field) -> None:
    """Refuse control characters (NUL and friends) in names, codes and addresses."""
    if field.data and any(ord(c) < 32 or ord(c) == 127 for c in field.data):
        raise ValidationError(_("Il campo contiene caratteri non validi."))


def _text(label: LazyString, max_length: int, *extra) -> StringField:
    """Build a required text field with a length limit and no control characters."""
    return StringField(label, validators=[InputRequired(REQUIRED), Length(max=max_length),
                                          printable, *extra])


def _bill_fact(label: LazyString, reader) -> StringField:
    """Build a required field read like the bill prints it; the value read lands in .fact.

    No length limit on the field: a browser would cut a pasted «RSS MRA 80A01 G284K» short
    without a word (maxlength). The reader measures what is left after the spaces go.
    """
    def read(form, field) -> None:
        try:
            field.fact = reader(field.data)
        except bill_facts.FormatError as error:
            raise ValidationError(str(error)) from None

    return StringField(label, validators=[InputRequired(REQUIRED), printable, read])


def _password(label: LazyString) -> PasswordField:
    """Build a password field that accepts long passphrases (any character counts)."""
    return PasswordField(label, validators=[InputRequired(REQUIRED), Length(max=MAX_LENGTH)])


def _repeat(field: str, label: LazyString | None = None) -> PasswordField:
    """Build the field that repeats a new password."""
    return PasswordField(
        lazy_gettext("Ripeti la nuova password") if label is None else label, validators=[
        InputRequired(REQUIRED),
        EqualTo(field, message=lazy_gettext("Le due password non coincidono."))])


class LoginForm(FlaskForm):
    """Email or customer code, and password."""

    login = _text(lazy_gettext("Email o codice cliente"), 254)
    password = _password(lazy_gettext("Password"))


class RegistrationForm(FlaskForm):
    """Prove who you are with three facts from your bill, then choose the login."""

    customer_code = _bill_fact(lazy_gettext("Codice cliente"), bill_facts.customer_code)
    tax_code = _bill_fact(lazy_gettext("Codice fiscale o partita IVA"), bill_facts.tax_code)
    invoice_number = _bill_fact(lazy_gettext("Numero di una tua fattura"),
                                bill_facts.invoice_number)
    email = _text(lazy_gettext("Email per l'accesso"), 254, EMAIL)
    password = _password(lazy_gettext("Password"))
    password_repeat = _repeat("password", lazy_gettext("Ripeti la password"))


class ForgotForm(FlaskForm):
    """Ask for a reset link."""

    login = _text(lazy_gettext("Email o codice cliente"), 254)


class ResetForm(FlaskForm):
    """Choose a new password from a reset link."""

    password = _password(lazy_gettext("Nuova password"))
    password_repeat = _repeat("password")


class ChangePasswordForm(FlaskForm):
    """Change the password, knowing the current one."""

    current = _password(lazy_gettext("Password attuale"))
    password = _password(lazy_gettext("Nuova password"))
    password_repeat = _repeat("password")
    end_others = BooleanField(lazy_gettext("Esci anche da tutti gli altri dispositivi"),
                              default=True)


class ChangeEmailForm(FlaskForm):
    """Change the login email; the new address must be confirmed."""

    email = _text(lazy_gettext("Nuova email"), 254, EMAIL)
    current = _password(lazy_gettext("Password attuale"))
