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
from ..i18n import N_, _, ngettext
from ..labels import ROLE_LABELS, label
from .common import page_title
from .registry import Page

# What each staff profile will find here once its pages are declared; shown only meanwhile.
COMING = {
    Role.SUPPORT: N_("la ricerca di soci e clienti, la consultazione della loro area in sola "
                     "lettura con il codice per l'assistenza e l'aiuto sull'account"),
    Role.ADVISOR: N_("l'analisi dei consumi dei soci che hanno dato il consenso"),
    Role.ADMIN: N_("la gestione degli account del personale, il registro degli accessi, le "
                   "importazioni, la posta in uscita e lo stato del servizio"),
}


def tool_links(tools: list[Page], label: str) -> html.Nav:
    """List the pages a role may open, each with its title and what it does.

    A Flask-served page gets a plain <a>: the browser loads it from the server.
    """
    return html.Nav(className="services", **{"aria-label": label}, children=[
        (html.A if page.flask_served else dcc.Link)(href=page.path, className="service", children=[
            html.Span(_(page.title), className="service-title"),
            html.Span(_(page.summary), className="service-text"),
        ])
        for page in tools
    ])


def member_layout(customer: Customer, contracts: list[Contract], tools: list[Page]) -> list:
    """Build the member's home: name, codes and the service entries."""
    status = (_("Socio dal %(date)s", date=fmt.day(customer.member_since))
              if customer.member_since else _("Cliente"))
    count = len(contracts)
    facts = [_("Codice cliente %(code)s", code=customer.code), status,
             ngettext("%(number)s contratto", "%(number)s contratti", count,
                      number=fmt.number(count))]
    return page_title(_("Area di gestione"), _("Benvenuto, %(name)s", name=customer.name)) + [
        html.P(" · ".join(facts), className="facts"),
        tool_links(tools, _("Servizi")),
    ]


def staff_layout(viewer: Viewer, tools: list[Page]) -> list:
    """Build the home of a staff login: its profile and the tools declared for it."""
    role = label(ROLE_LABELS, viewer.role)
    intro = html.P(_("Sei collegato come %(email)s con il profilo «%(role)s».",
                     email=viewer.email, role=role))
    title = page_title(_("Area di gestione"), _("Profilo: %(role)s", role=role))
    if tools:
        return title + [intro, tool_links(tools, _("Strumenti"))]
    coming = (_(COMING[viewer.role]) if viewer.role in COMING
              else _("gli strumenti di questo profilo"))
    return title + [
        intro,
        html.P(_("Gli strumenti di questo profilo sono in preparazione: %(coming)s. "
                 "Li troverai qui appena saranno disponibili.", coming=coming),
               className="notice", role="status"),
    ]
