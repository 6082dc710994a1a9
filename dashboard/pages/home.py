"""The area di gestione: who is logged in and the services open to them."""
from __future__ import annotations

from dash import dcc, html

from models import Contract, Customer

from .. import formatting as fmt
from ..auth.identity import Viewer
from ..labels import ROLE_LABELS
from .common import page_title

# (path, title, what it does): only services that exist are listed.
SERVICES = (
    ("/contratto", "Dati contrattuali",
     "Intestatario, fornitura, offerta, potenza, contatore e modalità di pagamento."),
    ("/consumi", "Visualizzazione consumi",
     "Il grafico dell'energia prelevata per fasce F1, F2, F3 e le fatture con i PDF."),
    ("/contabilita", "Situazione contabile",
     "Fatture pagate e da pagare, scadenze, pagamenti ricevuti ed estratto conto."),
    ("/invio", "Modalità di invio della bolletta",
     "Bolletta web per email o bolletta cartacea per posta: scegli tu."),
)


def member_layout(customer: Customer, contracts: list[Contract]) -> list:
    """Build the member's home: name, codes and the service entries."""
    status = (f"Socio dal {fmt.day(customer.member_since)}" if customer.member_since
              else "Cliente")
    count = len(contracts)
    facts = [f"Codice cliente {customer.code}", status,
             f"{count} contratt{'o' if count == 1 else 'i'}"]
    return page_title("Area di gestione", f"Benvenuto, {customer.name}") + [
        html.P(" · ".join(facts), className="facts"),
        html.Nav(className="services", **{"aria-label": "Servizi"}, children=[
            dcc.Link(href=path, className="service", children=[
                html.Span(title, className="service-title"),
                html.Span(text, className="service-text"),
            ])
            for path, title, text in SERVICES
        ]),
        html.P(dcc.Link("Chi ha consultato i miei dati", href="/accessi"), className="privacy"),
    ]


def staff_layout(viewer: Viewer) -> list:
    """Build the landing page of a staff login, which has no customer area of its own."""
    return page_title("Area di gestione", f"Profilo: {ROLE_LABELS[viewer.role]}") + [
        html.P(f"Sei collegato come {viewer.email} con il profilo "
               f"«{ROLE_LABELS[viewer.role]}». Questo profilo non ha contratti propri."),
    ]
