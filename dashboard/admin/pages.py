"""The administrator's tools as the page registry declares them.

The tools are Flask pages (routes.py). The registry still lists them on the admin's home,
with plain links that load them from the server; if Dash's router is ever asked for one of
these paths, it draws the title and the same plain link.
"""
from __future__ import annotations

from collections.abc import Callable

from dash import html

from ..i18n import _
from ..pages.common import page_title

STAFF = "/amministrazione/personale"
TRAIL = "/amministrazione/registro"
IMPORTS = "/amministrazione/importazioni"
OUTBOX = "/amministrazione/posta"
HEALTH = "/amministrazione/stato"


def opener(title: str, path: str) -> Callable[[str], list]:
    """Build a Dash layout that links to a Flask-served tool with a full page load."""
    def layout(_search: str) -> list:
        return page_title(_(title)) + [html.A(_("Apri «%(title)s»", title=_(title)), href=path,
                                              className="button")]
    return layout
