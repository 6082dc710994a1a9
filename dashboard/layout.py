"""The page shell: holds no member data, so it is safe to serve to anyone."""
from __future__ import annotations

from dash import dcc, html
from flask_wtf.csrf import generate_csrf

from . import ids


def shell() -> html.Div:
    """Build the static frame; the router callback fills it for a logged-in viewer."""
    return html.Div([
        dcc.Location(id=ids.URL, refresh="callback-nav"),
        html.Header(className="topbar", children=[
            html.A(className="brand", href="/", children=[
                html.Img(src="/assets/logo.svg", alt="", width=40, height=40),
                html.Span(["SECAB ", html.Small("Area Riservata")]),
            ]),
            html.Div(id=ids.HEADER, className="account"),
        ]),
        html.Main(id=ids.PAGE, className="page", **{"aria-live": "polite"}),
        html.Footer("SECAB Società Cooperativa · Paluzza (UD)", className="footer"),
    ])


def account_box(name: str, detail: str) -> list:
    """Show who is logged in and the logout button (a CSRF-protected POST)."""
    return [
        html.Span([html.Span(name, className="who"), html.Small(detail, className="role")],
                  className="identity"),
        html.A("Il mio account", href="/account", className="button"),
        html.Form(action="/logout", method="post", className="logout", children=[
            dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()),
            html.Button("Esci", type="submit", className="button"),
        ]),
    ]
