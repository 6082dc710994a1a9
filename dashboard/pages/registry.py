"""Every page of the portal, declared once: its path, its title, who may see it, how it is built.

Adding a page takes one module and one line:

1. Write `dashboard/pages/<name>.py` with
   - `PATH`, the page's address ("/assistenza", say);
   - `layout(search: str) -> list`, the page's components for the current viewer, built from
     the URL's query string (untrusted): read the viewer with `current_viewer()` and every
     member datum through the access gate, `dashboard/access.py`;
   - `register_callbacks(app: Dash) -> None`, wiring its callbacks on the app instance
     (`app.callback(...)(function)`, never a module-level `@dash.callback`).
2. Add one `Page(...)` line to `PAGES` below: path, Italian title, the one-line description
   the home shows (both marked `N_()`: the home translates them), the roles that may open
   it, its layout and its register_callbacks.

Then the router (dashboard/router.py) serves it to those roles, their home ("/") lists it,
create_app wires its callbacks, and tests/test_registry.py checks it for every role. Staff
who open a page their role may not see read «Questa sezione non è disponibile per il profilo
…»; members get «Pagina non trovata», the same as for an address that does not exist, so a
member cannot tell which staff pages there are. Flask routes that belong to a page (exports,
emailed links) may stay blueprints; they ask the access gate like the page does.

A whole page may be a Flask route instead (plain HTML forms, uploads, downloads): declare it
with `flask_served=True` and a layout that links to it. The home then lists it with a plain
<a> link, which loads it from the server instead of Dash's router; the route answers anyone
its roles do not include with the page shell, so the router's answer is the same as above.

A page declared for Role.MEMBER belongs to a member's area: it opens to whoever the access
gate serves a member's area (the member, or staff viewing it read-only), not to a role as such.
The role check here only decides which pages open; which member data a page shows is still
decided by the access gate, for every callback and route.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dash import Dash

from models.enums import Role

from .. import support
from ..admin import pages as admin
from ..auth.identity import Viewer
from ..i18n import N_
from . import (
    accessi,
    capire,
    consulente,
    consulente_socio,
    consulenza,
    consumi,
    contabilita,
    contratto,
    invio,
)

HOME = "/"


@dataclass(frozen=True)
class Page:
    """One page: where it lives, what it is called, who may open it and how it is built."""

    path: str
    title: str
    summary: str
    roles: frozenset[Role]
    layout: Callable[[str], list]
    register_callbacks: Callable[[Dash], None]
    flask_served: bool = False   # a Flask route serves the path; the home links it plainly

    def open_to(self, viewer: Viewer, in_area: bool) -> bool:
        """Tell whether the viewer may open this page.

        in_area says whether the access gate serves the viewer a member's area (their own, or
        the one a staff login opened read-only): the pages of that area open to them.
        """
        if Role.MEMBER in self.roles and in_area:
            return True
        return viewer.role in self.roles and viewer.role is not Role.MEMBER


# The pages of a member's area. Staff reach them only through the access gate, when it serves
# them a member's area to view; their role alone does not open them.
MEMBERS = frozenset({Role.MEMBER})
ADMINS = frozenset({Role.ADMIN})
SUPPORT_STAFF = frozenset({Role.SUPPORT, Role.ADMIN})
ADVISORS = frozenset({Role.ADVISOR})   # each page still asks the gate for the member's consent


def no_callbacks(_app: Dash) -> None:
    """Wire nothing: the page is drawn once by the router."""

PAGES: tuple[Page, ...] = (
    Page(contratto.PATH, N_("Dati contrattuali"),
         N_("Intestatario, fornitura, offerta, potenza, contatore e modalità di pagamento."),
         MEMBERS, contratto.layout, contratto.register_callbacks),
    Page(consumi.PATH, N_("Visualizzazione consumi"),
         N_("Il grafico dell'energia prelevata per fasce F1, F2, F3 e le fatture con i PDF."),
         MEMBERS, consumi.layout, consumi.register_callbacks),
    Page(capire.PATH, capire.TITLE,
         N_("Una fattura passo per passo: dalle letture del contatore ai kWh, alle voci, al "
            "totale."),
         MEMBERS, capire.layout, no_callbacks),
    Page(contabilita.PATH, N_("Situazione contabile"),
         N_("Fatture pagate e da pagare, scadenze, pagamenti ricevuti ed estratto conto."),
         MEMBERS, contabilita.layout, contabilita.register_callbacks),
    Page(invio.PATH, N_("Modalità di invio della bolletta"),
         N_("Bolletta web per email o bolletta cartacea per posta: scegli tu."),
         MEMBERS, invio.layout, invio.register_callbacks),
    Page(accessi.PATH, N_("Chi ha consultato i miei dati"),
         N_("Chi del personale della cooperativa ha aperto i tuoi dati, quando e perché."),
         MEMBERS, accessi.layout, no_callbacks),
    Page(support.CONSOLE, N_("Assistenza clienti"),
         N_("Cerca un socio o cliente, apri la sua area in sola lettura con il codice che ti "
            "legge o da un risultato, sempre con un motivo."),
         SUPPORT_STAFF, admin.opener("Assistenza clienti", support.CONSOLE), no_callbacks,
         True),
    Page(admin.STAFF, N_("Account del personale"),
         N_("Invita i colleghi, cambia il loro profilo, disattiva un account."),
         ADMINS, admin.opener("Account del personale", admin.STAFF), no_callbacks, True),
    Page(admin.TRAIL, N_("Registro degli accessi"),
         N_("Chi del personale ha consultato i dati dei soci: filtri, CSV e verifica della "
            "catena."),
         ADMINS, admin.opener("Registro degli accessi", admin.TRAIL), no_callbacks, True),
    Page(admin.IMPORTS, N_("Importazioni"),
         N_("Carica i file CSV del gestionale, controllali e importali; lo storico con gli "
            "errori."),
         ADMINS, admin.opener("Importazioni", admin.IMPORTS), no_callbacks, True),
    Page(admin.OUTBOX, N_("Posta in uscita"),
         N_("I messaggi inviati e quelli non riusciti, con la possibilità di riprovare."),
         ADMINS, admin.opener("Posta in uscita", admin.OUTBOX), no_callbacks, True),
    Page(admin.HEALTH, N_("Stato del servizio"),
         N_("Le risposte di /health e /ready, il database e la revisione dello schema."),
         ADMINS, admin.opener("Stato del servizio", admin.HEALTH), no_callbacks, True),
    Page(consulenza.PATH, consulenza.TITLE,
         N_("Dai o revoca il consenso alla consulenza e confrontati con le famiglie simili alla "
            "tua."),
         MEMBERS, consulenza.layout, consulenza.register_callbacks),
    Page(consulente.PATH, consulente.TITLE,
         N_("I soci che hanno dato il consenso, con consumi e segnalazioni da seguire."),
         ADVISORS, consulente.layout, no_callbacks),
    Page(consulente_socio.PATH, consulente_socio.TITLE,
         N_("Consumi per fascia, simulazione tariffaria, forniture simili e relazione di un "
            "socio."),
         ADVISORS, consulente_socio.layout, consulente_socio.register_callbacks),
)


def find(path: str) -> Page | None:
    """Return the page declared at a path, whoever asks."""
    return next((page for page in PAGES if page.path == path), None)


def visible_to(viewer: Viewer, in_area: bool) -> list[Page]:
    """List the pages the viewer may open, in declaration order."""
    return [page for page in PAGES if page.open_to(viewer, in_area)]


def register_callbacks(app: Dash) -> None:
    """Wire every declared page's callbacks on this app instance."""
    for page in PAGES:
        page.register_callbacks(app)
