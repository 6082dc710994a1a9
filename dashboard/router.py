"""Route a path to its page: the only callback that reads the pathname."""
from __future__ import annotations

from dash import Dash, Input, Output, State

from . import access, ids
from .auth.identity import current_viewer
from .labels import ROLE_LABELS
from .layout import account_box
from .pages import accessi, common, consumi, contabilita, contratto, home, invio

MEMBER_PAGES = {
    contratto.PATH: contratto.layout,
    consumi.PATH: consumi.layout,
    contabilita.PATH: contabilita.layout,
    invio.PATH: invio.layout,
    accessi.PATH: accessi.layout,
}


def render(pathname: object, search: object) -> tuple[list, list]:
    """Return the header and the page for a path, for the current viewer only."""
    viewer = current_viewer()
    if viewer is None:  # the auth hook answers 401 first; this guards a misconfiguration
        return [], common.not_found()
    customer = access.customer(viewer)
    header = (account_box(customer.name, f"Codice cliente {customer.code}") if customer
              else account_box(viewer.email, ROLE_LABELS[viewer.role]))
    path = pathname if isinstance(pathname, str) else "/"
    if path == "/":
        page = (home.member_layout(customer, access.contracts(viewer)) if customer
                else home.staff_layout(viewer))
    elif path in MEMBER_PAGES and customer is not None:
        page = MEMBER_PAGES[path](search if isinstance(search, str) else "")
    else:
        page = common.not_found()
    return header, page


def register_callbacks(app: Dash) -> None:
    """Wire the router on this app instance."""
    app.callback(
        Output(ids.HEADER, "children"), Output(ids.PAGE, "children"),
        Input(ids.URL, "pathname"), State(ids.URL, "search"),
    )(render)
    consumi.register_callbacks(app)
    contratto.register_callbacks(app)
    contabilita.register_callbacks(app)
    invio.register_callbacks(app)
