"""Route a path to its page: the only callback that reads the pathname.

Which pages exist and which roles may open them is declared once, in pages/registry.py.
"""
from __future__ import annotations

from dash import Dash, Input, Output, State

from models import Customer
from models.enums import Role

from . import access, ids
from .auth.identity import Viewer, current_viewer
from .labels import ROLE_LABELS
from .layout import account_box
from .pages import common, home, registry


def render(pathname: object, search: object) -> tuple[list, list]:
    """Return the header and the page for a path, for the current viewer only."""
    viewer = current_viewer()
    if viewer is None:  # the auth hook answers 401 first; this guards a misconfiguration
        return [], common.not_found()
    customer = access.customer(viewer)
    header = (account_box(customer.name, f"Codice cliente {customer.code}") if customer
              else account_box(viewer.email, ROLE_LABELS[viewer.role]))
    path = pathname if isinstance(pathname, str) else registry.HOME
    return header, page_for(viewer, customer, path, search if isinstance(search, str) else "")


def page_for(viewer: Viewer, customer: Customer | None, path: str, search: str) -> list:
    """Build the page at a path, or say why this viewer cannot open it."""
    in_area = customer is not None   # the access gate serves this viewer a member's area
    if path == registry.HOME:
        tools = registry.visible_to(viewer, in_area)
        if customer is not None:
            return home.member_layout(customer, access.contracts(viewer), tools)
        return home.staff_layout(viewer, tools)
    page = registry.find(path)
    if page is not None and page.open_to(viewer, in_area):
        return page.layout(search)
    # Staff learn that the page exists but is not theirs; members get the same answer for
    # a staff page as for an address that does not exist.
    if page is not None and viewer.role is not Role.MEMBER:
        return common.unavailable(ROLE_LABELS[viewer.role])
    return common.not_found()


def register_callbacks(app: Dash) -> None:
    """Wire the router on this app instance."""
    app.callback(
        Output(ids.HEADER, "children"), Output(ids.PAGE, "children"),
        Input(ids.URL, "pathname"), State(ids.URL, "search"),
    )(render)
