"""The area di gestione ("/"): who is logged in and the tools their role may open.

The tools come from the page registry (pages/registry.py), so a page added there appears on
the home of every role it is declared for.
"""
from __future__ import annotations

from dash import dcc, html

from models import Contract, Customer
from models.enums import Role

from .. import formatting as fmt
from ..auth.identity import Viewer
from ..labels import ROLE_LABELS
from .common import page_title
from .registry import Page

# What each staff profile will find here once its pages are declared; shown only meanwhile.
COMING = {
    Role.SUPPORT: "la ricerca di soci e clienti, la consultazione della loro area in sola "
                  "lettura con il codice per l'assistenza e l'aiuto sull'account",
    Role.ADVISOR: "l'analisi dei consumi dei soci che hanno dato il consenso",
    Role.ADMIN: "la gestione degli account del personale, il registro degli accessi, le "
                "importazioni, la posta in uscita e lo stato del servizio",
}


def tool_links(tools: list[Page], label: str) -> html.Nav:
    """List the pages a role may open, each with its title and what it does.

    A Flask-served page gets a plain <a>: the browser loads it from the server.
    """
    return html.Nav(className="services", **{"aria-label": label}, children=[
        (html.A if page.flask_served else dcc.Link)(href=page.path, className="service", children=[
            html.Span(page.title, className="service-title"),
            html.Span(page.summary, className="service-text"),
        ])
        for page in tools
    ])


def member_layout(customer: Customer, contracts: list[Contract], tools: list[Page]) -> list:
    """Build the member's home: name, codes and the service entries."""
    status = (f"Socio dal {fmt.day(customer.member_since)}" if customer.member_since
              else "Cliente")
    count = len(contracts)
    facts = [f"Codice cliente {customer.code}", status,
             f"{count} contratt{'o' if count == 1 else 'i'}"]
    return page_title("Area di gestione", f"Benvenuto, {customer.name}") + [
        html.P(" · ".join(facts), className="facts"),
        tool_links(tools, "Servizi"),
    ]


def staff_layout(viewer: Viewer, tools: list[Page]) -> list:
    """Build the home of a staff login: its profile and the tools declared for it."""
    label = ROLE_LABELS[viewer.role]
    intro = html.P(f"Sei collegato come {viewer.email} con il profilo «{label}».")
    if tools:
        return page_title("Area di gestione", f"Profilo: {label}") + [
            intro, tool_links(tools, "Strumenti")]
    coming = COMING.get(viewer.role, "gli strumenti di questo profilo")
    return page_title("Area di gestione", f"Profilo: {label}") + [
        intro,
        html.P(f"Gli strumenti di questo profilo sono in preparazione: {coming}. "
               "Li troverai qui appena saranno disponibili.", className="notice",
               role="status"),
    ]
