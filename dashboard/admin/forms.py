"""The administrator's forms: every value from the browser is checked here first."""
from __future__ import annotations

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from models import AccessKind

from ..auth.forms import EMAIL, REQUIRED, printable
from ..i18n import N_
from ..labels import ROLE_LABELS
from .staff import STAFF_ROLES

# Lazy labels: the forms are declared once, at import, and drawn in each viewer's language.
ROLE_CHOICES = [SelectChoice(role.value, lazy_gettext(ROLE_LABELS[role])) for role in STAFF_ROLES]
KIND_LABELS = {
    AccessKind.SEARCH: N_("Ricerca"),
    AccessKind.PAGE: N_("Pagina"),
    AccessKind.PDF: "PDF",
    AccessKind.EXPORT: N_("Esportazione"),
    AccessKind.ACTION: N_("Azione"),
}


class InviteForm(FlaskForm):
    """Invite a colleague: their name, email and the profile they will have."""

    # DataRequired reads the value after the filter: a name of blanks is no name.
    full_name = StringField(lazy_gettext("Nome e cognome"),
                            filters=[lambda v: " ".join(v.split()) if v else v],
                            validators=[DataRequired(REQUIRED), Length(max=120), printable])
    email = StringField(lazy_gettext("Email"), validators=[
        InputRequired(REQUIRED), Length(max=254), printable, EMAIL])
    role = SelectField(lazy_gettext("Profilo"), choices=ROLE_CHOICES, validate_choice=True)


class RoleForm(FlaskForm):
    """Give a staff account another profile, once confirmed."""

    role = SelectField(lazy_gettext("Nuovo profilo"), choices=ROLE_CHOICES, validate_choice=True)
    conferma = HiddenField()


class ConfirmForm(FlaskForm):
    """An action on one account: only the CSRF token and, once asked, the confirmation."""

    conferma = HiddenField()


class TrailForm(FlaskForm):
    """The access trail's filters, read from the query string (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    personale = StringField(lazy_gettext("Personale (email)"),
                            validators=[Optional(), Length(max=254), printable])
    cliente = StringField(lazy_gettext("Codice cliente"),
                          validators=[Optional(), Length(max=16), printable])
    # «Tutti» by default: with no choice in the query, WTForms would call None «Not a valid choice».
    tipo = SelectField(lazy_gettext("Tipo"), default="", choices=[
        SelectChoice("", lazy_gettext("Tutti"))] + [
        SelectChoice(kind.value, lazy_gettext(label)) for kind, label in KIND_LABELS.items()])
    dal = DateField(lazy_gettext("Dal"), validators=[Optional()], format="%Y-%m-%d")
    al = DateField(lazy_gettext("Al"), validators=[Optional()], format="%Y-%m-%d")
    pagina = IntegerField(lazy_gettext("Pagina"),
                          validators=[Optional(), NumberRange(min=1, max=1_000_000)])


class ImportForm(FlaskForm):
    """The CSV files of one export, and whether to check them only."""

    files = MultipleFileField(lazy_gettext("File CSV dell'esportazione"))
    solo_controllo = BooleanField(lazy_gettext("Controlla soltanto, senza scrivere"),
                                  default=False)
