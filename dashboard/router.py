"""Route a path to its page: the only callback that reads the pathname.

Which pages exist and which roles may open them is declared once, in pages/registry.py.
"""
from __future__ import annotations

from dash import Dash, Input, Output, State

from models import AccessKind, Account, Customer, db
from models.enums import Role

from . import access, assist, ids
from .audit import AccessNotRecorded, record, refused_page, staff_view_access
from .auth.identity import Viewer, current_viewer
from .i18n import _
from .labels import ROLE_LABELS, label
from .layout import account_box, staff_banner
from .pages import common, home, registry


def render(pathname: object, search: object) -> tuple[list, list, str]:
    """Return the header, the page and the frame's class for a path, for this viewer only."""
    viewer = current_viewer()
    if viewer is None:  # the auth hook answers 401 first; this guards a misconfiguration
        return [], common.not_found(), ""
    customer = access.customer(viewer)
    path = pathname if isinstance(pathname, str) else registry.HOME
    query = search if isinstance(search, str) else ""
    header = header_for(viewer, customer, path + query)
    frame = "condivisione" if viewer.screen_share else ""
    planned = staff_view_access(AccessKind.PAGE, path + query)
    if planned is not None:  # a staff view: the page is accounted for before it is built
        try:
            record(viewer, planned)
        except AccessNotRecorded:
            return header, refused_page(), frame
    return header, page_for(viewer, customer, path, query), frame


def header_for(viewer: Viewer, customer: Customer | None, here: str) -> list:
    """Build the header: who is logged in, and whose area a staff view shows."""
    if viewer.is_member and customer is not None:
        return account_box(customer.name, _("Codice cliente %(code)s", code=customer.code),
                           viewer.screen_share, here)
    staff = db.session.get(Account, viewer.account_id)
    name = staff.display_name if staff is not None else viewer.email
    box = account_box(name, label(ROLE_LABELS, viewer.role), viewer.screen_share, here)
    return box + [staff_banner(customer.name)] if customer is not None else box


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
        return common.unavailable(label(ROLE_LABELS, viewer.role))
    return common.not_found()


def register_callbacks(app: Dash) -> None:
    """Wire the router on this app instance."""
    app.callback(
        Output(ids.HEADER, "children"), Output(ids.PAGE, "children"),
        Output(ids.SHELL, "className"),
        Input(ids.URL, "pathname"), State(ids.URL, "search"),
    )(render)
    assist.register_callbacks(app)
