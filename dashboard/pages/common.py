"""Pieces every page uses: titles, messages, labels of the domain's codes."""
from __future__ import annotations

from dash import html
from flask import has_request_context

from models import Contract

from .. import masking
from ..auth.identity import current_viewer
from ..i18n import _


def sharing_screen() -> bool:
    """Tell whether this request's viewer has «Modalità condivisione schermo» on."""
    viewer = current_viewer() if has_request_context() else None
    return viewer is not None and viewer.screen_share


def shown(value: str | None, mask) -> str:
    """Return a personal value as this viewer may show it: masked while sharing the screen."""
    return mask(value) if sharing_screen() else (value or "")


def contract_label(contract: Contract) -> str:
    """Name a contract the way its holder recognises it: supply address and POD."""
    ceased = " " + _("(cessato)") if contract.end_date else ""
    street = shown(contract.supply_street, masking.street)
    return f"{street}, {contract.supply_city} – POD {contract.pod}{ceased}"


def page_title(title: str, subtitle: str | None = None) -> list:
    """Build a page heading with an optional lead line."""
    return [html.H1(title)] + ([html.P(subtitle, className="lead")] if subtitle else [])


def notice(text: str, kind: str = "notice") -> html.P:
    """Build a polite message box; 'alert' for problems the member must act on."""
    role = "alert" if kind == "alert" else "status"
    return html.P(text, className=kind, role=role)


def not_found() -> list:
    """Build the answer for a page that does not exist."""
    return page_title(_("Pagina non trovata"),
                      _("L'indirizzo non corrisponde a nessuna pagina.")) + [
        html.A(_("Torna all'area di gestione"), href="/", className="button"),
    ]


def unavailable(role_label: str) -> list:
    """Build the answer for staff who open a page their profile may not see."""
    return page_title(_("Sezione non disponibile"),
                      _("Questa sezione non è disponibile per il profilo %(role)s.",
                        role=role_label)) + [
        html.A(_("Torna all'area di gestione"), href="/", className="button"),
    ]
