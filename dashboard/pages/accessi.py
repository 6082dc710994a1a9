"""«Chi ha consultato i miei dati»: every staff access to the member's data, newest first.

The list comes from the access trail (models.audit), only for the customer the gate
(access.customer) gives this viewer; the page number in the URL is only a selector inside it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs

from dash import html

from models import AccessKind, AccessRecord, db
from models.audit import AccessPage, accesses_of_customer
from models.enums import Role

from .. import access, branding
from .. import formatting as fmt
from ..auth.identity import current_viewer
from ..i18n import N_, _
from ..labels import ROLE_LABELS
from .common import notice, page_title

PATH = "/accessi"
TITLE = N_("Chi ha consultato i miei dati")
PER_PAGE = 20
PAGE_PARAM = "pagina"
KIND_LABELS = {
    AccessKind.SEARCH: N_("Scheda aperta dalla ricerca"),
    AccessKind.PAGE: N_("Pagina"),
    AccessKind.PDF: N_("Documento PDF"),
    AccessKind.EXPORT: N_("Esportazione"),
    AccessKind.ACTION: N_("Operazione"),
}
# The member's own pages, named as the area di gestione names them.
PAGE_TITLES = {
    "/": N_("Area di gestione"),
    "/contratto": N_("Dati contrattuali"),
    "/consumi": N_("Visualizzazione consumi"),
    "/contabilita": N_("Situazione contabile"),
    "/invio": N_("Modalità di invio della bolletta"),
    "/capire": N_("Capire la bolletta"),
    PATH: TITLE,
}
COLUMNS = (("when", N_("Quando")), ("who", N_("Chi")), ("what", N_("Che cosa")),
           ("why", N_("Motivo")))
EMPTY = N_("Nessun operatore della cooperativa ha consultato i tuoi dati nel periodo conservato.")


@dataclass(frozen=True)
class AccessRow:
    """One access as the member reads it."""

    at: datetime
    role: Role
    staff_name: str
    kind: AccessKind
    target: str
    reason: str


def page_number(search: object) -> int:
    """Read the page number from the URL's query; anything else is the first page."""
    raw = parse_qs(search.lstrip("?")).get(PAGE_PARAM, [""])[0] if isinstance(search, str) else ""
    return access.parse_id(raw) or 1


def describe(kind: AccessKind, target: str) -> str:
    """Say what was opened in the member's words."""
    label = _(KIND_LABELS[kind])
    shown = _(PAGE_TITLES[target]) if kind is AccessKind.PAGE and target in PAGE_TITLES else target
    return _("%(kind)s: %(target)s", kind=label, target=shown) if shown else label


def rows_of(records: list[AccessRecord]) -> list[AccessRow]:
    """Keep the fields the member is shown, no addresses or staff ids."""
    return [AccessRow(r.at, Role(r.role), r.staff_name, AccessKind(r.kind), r.target, r.reason)
            for r in records]


def access_table(rows: list[AccessRow]) -> html.Div:
    """Build the table of accesses: when, who (role and name), what, why."""
    cells = [{"when": fmt.moment(row.at),
              "who": f"{_(ROLE_LABELS[row.role])} – {row.staff_name}",
              "what": describe(row.kind, row.target),
              "why": row.reason} for row in rows]
    return html.Div(className="table-wrap", children=html.Table(className="ledger", children=[
        html.Caption(_("Accessi del personale %(name)s ai tuoi dati, dal più recente",
                       name=branding.current().name)),
        html.Thead(html.Tr([html.Th(_(label), scope="col") for _key, label in COLUMNS])),
        html.Tbody([
            html.Tr([html.Td(cell[key], **{"data-label": _(label)}) for key, label in COLUMNS])
            for cell in cells
        ]),
    ]))


def pager(page: AccessPage) -> html.Nav | None:
    """Link the newer and older pages; full page loads, since the router reads the query."""
    if page.pages == 1:
        return None
    links = []
    if page.page > 1:
        links.append(html.A(_("Più recenti"), href=f"{PATH}?{PAGE_PARAM}={page.page - 1}",
                            className="button"))
    links.append(html.Span(_("Pagina %(page)s di %(pages)s", page=page.page, pages=page.pages),
                           className="pager-status"))
    if page.page < page.pages:
        links.append(html.A(_("Meno recenti"), href=f"{PATH}?{PAGE_PARAM}={page.page + 1}",
                            className="button"))
    return html.Nav(links, className="pager", **{"aria-label": _("Pagine degli accessi")})


def build(page: AccessPage) -> list:
    """Build the page body from one page of accesses."""
    intro = html.P(_("Qui trovi ogni volta che un operatore %(name)s ha aperto i tuoi dati: "
                     "chi, quando, che cosa e con quale motivo. Gli accessi restano elencati "
                     "per almeno sei mesi.", name=branding.current().name))
    if page.total == 0:
        return [intro, notice(_(EMPTY))]
    nav = pager(page)
    return [intro, access_table(rows_of(page.rows))] + ([nav] if nav else [])


def layout(search: str) -> list:
    """Show the viewer's own access list, the page the URL asks for."""
    customer = access.customer(current_viewer())
    heading = page_title(_(TITLE), _("Gli accessi del personale ai tuoi dati."))
    if customer is None:
        return heading + [notice(_("Questa pagina mostra gli accessi ai dati di un socio."))]
    found = accesses_of_customer(db.session, customer.id, page_number(search), PER_PAGE)
    return heading + build(found)
