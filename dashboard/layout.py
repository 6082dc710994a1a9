"""The page shell: holds no member data, so it is safe to serve to anyone."""
from __future__ import annotations

from dash import dcc, html
from flask_wtf.csrf import generate_csrf

from . import branding, ids
from .i18n import _, other_language, switch_href


def shell() -> html.Div:
    """Build the static frame; the router callback fills it for a logged-in viewer."""
    brand = branding.current()
    return html.Div(id=ids.SHELL, children=[
        dcc.Location(id=ids.URL, refresh="callback-nav"),
        # The member's assistance code outlives page changes, not the browser tab.
        dcc.Store(id=ids.ASSIST_STORE, storage_type="session"),
        dcc.Interval(id=ids.FOLLOW_TICK, interval=3000, disabled=True),
        html.Header(className="topbar", children=[
            html.A(className="brand", href="/", children=[
                html.Img(src=brand.logo_url, alt="", width=40, height=40),
                html.Span([f"{brand.name} ", html.Small(branding.PORTAL)]),
            ]),
            html.Div(className="topbar-end", children=[
                html.Div(id=ids.HEADER, className="account"), language_link()]),
        ]),
        html.Div(id=ids.ASSIST_BOX, className="assist"),
        html.Main(id=ids.PAGE, className="page", **{"aria-live": "polite"},
                  children=skeleton()),
        footer(brand),
    ])


def language_link() -> html.A:
    """Link to the portal in the other language, named in that language («English»)."""
    code, name = other_language()
    return html.A(name, href=switch_href(code), lang=code, hrefLang=code, className="language")


def footer(brand: branding.Branding) -> html.Footer:
    """Say who runs the portal, how to reach them and their legal data."""
    def joined(parts: list) -> list:
        """Put a middle dot between the parts."""
        return [piece for i, part in enumerate(parts) for piece in ([" · "] if i else []) + [part]]

    legal = [html.Span(part) for part in brand.legal_parts]
    contacts = [html.A(text, href=link) if link else html.Span(text)
                for text, link in brand.contacts]
    return html.Footer([*joined(legal), html.Br(), *joined(contacts)], className="footer")


def skeleton() -> html.Div:
    """Stand in for the page until the router fills it: grey bars where title and text go."""
    return html.Div(className="skeleton", **{"aria-hidden": "true"}, children=[
        html.Div(className="skeleton-title"), html.Div(className="skeleton-line"),
        html.Div(className="skeleton-line short"), html.Div(className="skeleton-card"),
    ])


def _post_button(action: str, label: str, fields: dict[str, str] | None = None,
                 form_class: str = "inline-form", **button: object) -> html.Form:
    """Build a one-button form that posts to a Flask route with the CSRF token."""
    hidden = [dcc.Input(type="hidden", name=name, value=value)
              for name, value in (fields or {}).items()]
    return html.Form(action=action, method="post", className=form_class, children=[
        dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()), *hidden,
        html.Button(label, type="submit", className="button", **button),
    ])


def share_switch(on: bool, back: str) -> html.Form:
    """Build «Modalità condivisione schermo»: a switch that posts and comes back to the page."""
    return _post_button("/condivisione-schermo", _("Modalità condivisione schermo"),
                        {"attiva": "0" if on else "1", "next": back},
                        role="switch", **{"aria-checked": "true" if on else "false"})


def account_box(name: str, detail: str, screen_share: bool = False, back: str = "/") -> list:
    """Show who is logged in, the screen-share switch and the logout button (CSRF POSTs)."""
    return [
        html.Span([html.Span(name, className="who"), html.Small(detail, className="role")],
                  className="identity"),
        share_switch(screen_share, back),
        html.A(_("Il mio account"), href="/account", className="button"),
        _post_button("/logout", _("Esci"), form_class="inline-form logout"),
    ]


def staff_banner(member_name: str) -> html.Div:
    """Say, on every page of a staff view, whose area this is, and offer the way out."""
    return html.Div(className="staff-banner", role="region",
                    **{"aria-label": _("Visualizzazione in sola lettura")}, children=[
        html.Strong(_("Stai visualizzando l'area di %(name)s — sola lettura", name=member_name)),
        _post_button("/assistenza/chiudi", _("Esci dalla visualizzazione")),
    ])
