"""The account forms: field limits here, password rules in models.password_rules."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from models.password_rules import MAX_LENGTH

REQUIRED = "Campo obbligatorio."
EMAIL = Email(message="Scrivi un indirizzo email valido, ad esempio nome@esempio.it.")


def _password(label: str) -> PasswordField:
    """Build a password field that accepts long passphrases."""
    return PasswordField(label, validators=[InputRequired(REQUIRED), Length(max=MAX_LENGTH)])


def _repeat(field: str) -> PasswordField:
    """Build the field that repeats a new password."""
    return PasswordField("Ripeti la nuova password", validators=[
        InputRequired(REQUIRED), EqualTo(field, message="Le due password non coincidono.")])


class LoginForm(FlaskForm):
    """Email or customer code, and password."""

    login = StringField("Email o codice cliente", validators=[InputRequired(REQUIRED),
                                                               Length(max=254)])
    password = PasswordField("Password", validators=[InputRequired(REQUIRED),
                                                    Length(max=MAX_LENGTH)])


class RegistrationForm(FlaskForm):
    """Prove who you are with three facts from your bill, then choose the login."""

    customer_code = StringField("Codice cliente", validators=[InputRequired(REQUIRED),
                                                               Length(max=16)])
    tax_code = StringField("Codice fiscale o partita IVA", validators=[InputRequired(REQUIRED),
                                                                      Length(max=16)])
    invoice_number = StringField("Numero di una tua fattura", validators=[InputRequired(REQUIRED),
                                                                        Length(max=12)])
    email = StringField("Email per l'accesso", validators=[InputRequired(REQUIRED),
                                                          Length(max=254), EMAIL])
    password = _password("Password")
    password_repeat = PasswordField("Ripeti la password", validators=[
        InputRequired(REQUIRED), EqualTo("password", message="Le due password non coincidono.")])


class ForgotForm(FlaskForm):
    """Ask for a reset link."""

    login = StringField("Email o codice cliente", validators=[InputRequired(REQUIRED),
                                                               Length(max=254)])


class ResetForm(FlaskForm):
    """Choose a new password from a reset link."""

    password = _password("Nuova password")
    password_repeat = _repeat("password")


class ChangePasswordForm(FlaskForm):
    """Change the password, knowing the current one."""

    current = _password("Password attuale")
    password = _password("Nuova password")
    password_repeat = _repeat("password")
    end_others = BooleanField("Esci anche da tutti gli altri dispositivi", default=True)


class ChangeEmailForm(FlaskForm):
    """Change the login email; the new address must be confirmed."""

    email = StringField("Nuova email", validators=[InputRequired(REQUIRED), Length(max=254),
                                                   EMAIL])
    current = _password("Password attuale")
