"""The advisor's desk: the consenting members, searchable, sortable and paged in SQL.

The query string (untrusted) only selects: ?q= searches name or customer code, ?ordina= one of
models.advice.SORTS, ?verso=desc, ?pagina=N. Links and the search form load the page afresh,
and the router reads the query. Each member listed is an access, recorded before it is shown.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from dash import dcc, html

from models import AccessKind, db
from models.advice import SORTS, CurveFlags, PortfolioPage, curve_flags, portfolio, refresh_usage
from models.entities import utcnow
from models.enums import ContractStatus, Role
from models.queries import contracts_of_customer

from .. import access
from .. import formatting as fmt
from ..advice import record_each
from ..advice_view import portfolio_cells, row_flags
from ..audit import AccessNotRecorded, refused_page
from ..auth.identity import Viewer, current_viewer
from ..i18n import N_, _
from .common import notice, page_title
from .picker import query_fields

PATH = "/consulente"
TITLE = N_("Soci in consulenza")
MEMBER_PATH = "/consulente/socio"
CSV_PATH = "/consulente/elenco.csv"
XLSX_PATH = "/consulente/elenco.xlsx"
PER_PAGE = 25
MAX_QUERY = 100
TARGET = "Elenco dei soci in consulenza"
COLUMNS = (("nome", N_("Socio")), ("codice", N_("Codice cliente")),
           ("forniture", N_("Forniture")), ("kwh", N_("kWh negli ultimi 12 mesi")),
           ("f1", N_("Quota F1")), ("segnalazioni", N_("Segnalazioni")))
EMPTY = N_("Nessun socio che ha dato il consenso corrisponde alla ricerca.")


@dataclass(frozen=True)
class Listing:
    """What the query string asks of the list, checked."""

    search: str
    sort: str
    descending: bool
    page: int

    def query(self, **changes: object) -> str:
        """Write the query string of this listing with some fields changed."""
        fields = {"q": self.search, "ordina": self.sort,
                  "verso": "desc" if self.descending else "asc", "pagina": self.page}
        fields.update(changes)
        return "?" + urlencode({k: v for k, v in fields.items() if v not in ("", None)})


def read_listing(search: object) -> Listing:
    """Read search, sort, direction and page from an untrusted query string."""
    fields = query_fields(search)
    text = "".join(c for c in fields.get("q", "") if c.isprintable()).strip()[:MAX_QUERY]
    sort = fields.get("ordina", "nome")
    return Listing(text, sort if sort in SORTS else "nome", fields.get("verso") == "desc",
                   access.parse_id(fields.get("pagina")) or 1)


def is_advisor(viewer: Viewer | None) -> bool:
    """Tell whether the viewer is a consulente."""
    return viewer is not None and viewer.role is Role.ADVISOR


def page_rows(listing: Listing) -> tuple[PortfolioPage, list[dict[str, str]]]:
    """Read one page of the list and its flags, curve flags from the listed supplies only."""
    today = utcnow().date()
    if refresh_usage(db.session, today):
        db.session.commit()   # the sums serve every later page until the data changes
    found = portfolio(db.session, today, listing.search, listing.sort,
                      listing.descending, listing.page, PER_PAGE)
    cells = []
    for row in found.rows:
        curves: list[CurveFlags] = [
            flags for contract in contracts_of_customer(db.session, row.customer_id)
            if contract.status is ContractStatus.ACTIVE
            and (flags := curve_flags(db.session, contract)) is not None]
        cells.append(portfolio_cells(row, row_flags(row, curves)) | {"id": str(row.customer_id)})
    return found, cells


def header(listing: Listing, key: str, label: str) -> html.Th:
    """Build a column header that sorts by it; a second click reverses."""
    if key == "segnalazioni":
        return html.Th(_(label), scope="col")
    descending = not listing.descending if listing.sort == key else key in ("kwh", "f1")
    arrow = (" ↓" if listing.descending else " ↑") if listing.sort == key else ""
    sort = "descending" if listing.descending else "ascending"
    return html.Th(html.A(_(label) + arrow, href=PATH + listing.query(
        ordina=key, verso="desc" if descending else "asc", pagina=1)),
        scope="col", **({"aria-sort": sort} if listing.sort == key else {}))


def listing_table(listing: Listing, cells: list[dict[str, str]]) -> html.Div:
    """Build the table of members: each name opens the member's analysis."""
    def cell(row: dict[str, str], key: str, label: str) -> html.Td:
        value = row[key]
        if key == "nome":
            value = html.A(value, href=f"{MEMBER_PATH}?id={row['id']}")
        return html.Td(value, **{"data-label": _(label)})

    return html.Div(className="table-wrap", children=html.Table(className="ledger", children=[
        html.Caption(_("Soci che hanno dato il consenso alla consulenza")),
        html.Thead(html.Tr([header(listing, key, label) for key, label in COLUMNS])),
        html.Tbody([html.Tr([cell(row, key, label) for key, label in COLUMNS])
                    for row in cells]),
    ]))


def search_form(listing: Listing) -> html.Form:
    """Build the search box: a plain GET form, so the address holds the search."""
    return html.Form(action=PATH, method="get", className="card controls", role="search",
                     children=[
                         html.Div(className="field wide", children=[
                             html.Label(_("Cerca per nome o codice cliente"), htmlFor="q"),
                             html.Div(className="inline", children=[
                                 html.Div(dcc.Input(id="q", name="q", type="search",
                                                    value=listing.search,
                                                    maxLength=MAX_QUERY,
                                                    className="text-input")),
                                 html.Button(_("Cerca"), type="submit", className="button"),
                             ])]),
                         dcc.Input(type="hidden", name="ordina", value=listing.sort),
                         dcc.Input(type="hidden", name="verso",
                                   value="desc" if listing.descending else "asc"),
                     ])


def pager(listing: Listing, found: PortfolioPage) -> html.Nav | None:
    """Link the previous and next pages."""
    if found.pages == 1:
        return None
    links = []
    if found.page > 1:
        links.append(html.A(_("Precedente"), href=PATH + listing.query(pagina=found.page - 1),
                            className="button"))
    links.append(html.Span(_("Pagina %(page)s di %(pages)s", page=found.page, pages=found.pages),
                           className="pager-status"))
    if found.page < found.pages:
        links.append(html.A(_("Successiva"), href=PATH + listing.query(pagina=found.page + 1),
                            className="button"))
    return html.Nav(links, className="pager", **{"aria-label": _("Pagine dell'elenco")})


def layout(search: str) -> list:
    """Show one page of the consenting members, each access recorded first."""
    viewer = current_viewer()
    heading = page_title(_(TITLE), _("I soci che hanno dato il consenso: consumi degli ultimi "
                                     "dodici mesi e segnalazioni su cui intervenire."))
    if not is_advisor(viewer):
        return heading + [notice(_("Questa pagina è riservata ai consulenti energetici."))]
    listing = read_listing(search)
    found, cells = page_rows(listing)
    try:
        record_each(viewer, [row.customer_id for row in found.rows], AccessKind.PAGE, TARGET)
    except AccessNotRecorded:
        return refused_page()
    listing = Listing(listing.search, listing.sort, listing.descending, found.page)
    body: list = [search_form(listing),
                  html.P(_("Soci trovati: %(total)s. Consumi da %(first)s a %(last)s.",
                           total=fmt.number(found.total), first=fmt.month_name(found.first),
                           last=fmt.month_name(found.last)), className="muted")]
    if not cells:
        return heading + body + [notice(_(EMPTY))]
    nav = pager(listing, found)
    return heading + body + [
        listing_table(listing, cells), *([nav] if nav else []),
        html.Div(className="actions", children=[
            html.A(_("Scarica questa pagina in CSV"), href=CSV_PATH + listing.query(),
                   className="button"),
            html.A(_("Scarica in Excel (XLSX)"), href=XLSX_PATH + listing.query(),
                   className="button")]),
    ]
