"""The administrator's forms: every value from the browser is checked here first."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from models import AccessKind

from ..auth.forms import EMAIL, REQUIRED, printable
from ..labels import ROLE_LABELS
from .staff import STAFF_ROLES

ROLE_CHOICES = [SelectChoice(role.value, ROLE_LABELS[role]) for role in STAFF_ROLES]
KIND_LABELS = {
    AccessKind.SEARCH: "Ricerca",
    AccessKind.PAGE: "Pagina",
    AccessKind.PDF: "PDF",
    AccessKind.EXPORT: "Esportazione",
    AccessKind.ACTION: "Azione",
}
DATE_ERROR = "Scrivi una data valida."


class InviteForm(FlaskForm):
    """Invite a colleague: their name, email and the profile they will have."""

    # DataRequired reads the value after the filter: a name of blanks is no name.
    full_name = StringField("Nome e cognome", filters=[lambda v: " ".join(v.split()) if v else v],
                            validators=[DataRequired(REQUIRED), Length(max=120), printable])
    email = StringField("Email", validators=[InputRequired(REQUIRED), Length(max=254),
                                             printable, EMAIL])
    role = SelectField("Profilo", choices=ROLE_CHOICES, validate_choice=True)


class RoleForm(FlaskForm):
    """Give a staff account another profile, once confirmed."""

    role = SelectField("Nuovo profilo", choices=ROLE_CHOICES, validate_choice=True)
    conferma = HiddenField()


class ConfirmForm(FlaskForm):
    """An action on one account: only the CSRF token and, once asked, the confirmation."""

    conferma = HiddenField()


class TrailForm(FlaskForm):
    """The access trail's filters, read from the query string (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    personale = StringField("Personale (email)", validators=[Optional(), Length(max=254),
                                                            printable])
    cliente = StringField("Codice cliente", validators=[Optional(), Length(max=16), printable])
    # «Tutti» by default: with no choice in the query, WTForms would call None «Not a valid choice».
    tipo = SelectField("Tipo", default="", choices=[SelectChoice("", "Tutti")] + [
        SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()])
    dal = DateField("Dal", validators=[Optional()], format="%Y-%m-%d")
    al = DateField("Al", validators=[Optional()], format="%Y-%m-%d")
    pagina = IntegerField("Pagina", validators=[Optional(), NumberRange(min=1, max=1_000_000)])


class ImportForm(FlaskForm):
    """The CSV files of one export, and whether to check them only."""

    files = MultipleFileField("File CSV dell'esportazione")
    solo_controllo = BooleanField("Controlla soltanto, senza scrivere", default=False)
