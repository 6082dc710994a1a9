"""The contract selector the area's pages share, with the choice kept in the URL (?contratto=…).

As on the consumption page, the URL holds the choice: a reload or a bookmark shows the same
contract, and every value read from it is untrusted until the access gate has checked it.

Each page fills itself from a callback on the URL's query string and on a store rendered with
the page: Dash does not run a callback for new outputs whose inputs were already on the page,
so the store is what fills a page opened directly (a link, a reload, a bookmark).
"""
from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode

from dash import Dash, Input, Output, dcc, html, no_update
from dash.exceptions import PreventUpdate

from models import Contract

from .. import access, ids
from ..auth.identity import current_viewer
from ..controls import Select
from ..i18n import N_, _
from .common import contract_label

MAX_SEARCH = 512
ALL = access.ALL_CONTRACTS
# Marked here, translated where shown: notice(_(picker.NOT_FOUND), "alert")
NOT_FOUND = N_("Contratto non trovato tra i tuoi contratti. Sceglilo dall'elenco.")


def query_fields(search: object) -> dict[str, str]:
    """Read the first value of each field of an untrusted query string; unknown ones are harmless.

    The length bound caps the work; a cap on the number of fields would make parse_qs raise,
    and a page asked for with ?a=1&…&i=9 would stay blank.
    """
    if not isinstance(search, str) or len(search) > MAX_SEARCH:
        return {}
    fields: dict[str, str] = {}
    for key, value in parse_qsl(search.lstrip("?")):
        fields.setdefault(key, value)
    return fields


def requested(search: object) -> str | None:
    """Read the raw ?contratto=… value from an untrusted query string."""
    return query_fields(search).get("contratto")


def search_for(value: int | str) -> str:
    """Write the query string that selects a contract (or all of them)."""
    return "?" + urlencode({"contratto": value})


def chosen_contract(search: object) -> Contract | None:
    """Return the contract the URL names, or the viewer's first when it names none.

    A foreign or unknown id gives None, the same answer for both.
    """
    raw = requested(search)
    viewer = current_viewer()
    if raw is None:
        contracts = access.contracts(viewer)
        return contracts[0] if contracts else None
    return access.contract(viewer, raw)


def rendered(store_id: str, search: str) -> dcc.Store:
    """Keep the query string the page was rendered with, to fill the page once it appears."""
    return dcc.Store(id=store_id, data=search)


def picker(dropdown_id: str, contracts: list[Contract], value: int | str | None,
           with_all: bool = False) -> html.Div:
    """Build the card with the contract selector, preset to the URL's choice."""
    options = [{"label": contract_label(c), "value": c.id} for c in contracts]
    if with_all and len(contracts) > 1:
        options.insert(0, {"label": _("Tutti i contratti"), "value": ALL})
    # The URL's "2" is the option 2: the picker shows the option's own value, never a blank.
    value = next((o["value"] for o in options if str(o["value"]) == str(value)), None)
    return html.Div(className="card controls", children=[
        html.Div(className="field wide", children=[
            html.Label(_("Contratto"), htmlFor=dropdown_id),
            Select(id=dropdown_id, options=options, value=value,
                   placeholder=_("Scegli il contratto")),
        ]),
    ])


def follow(app: Dash, select_id: str, shown: Callable[[object], object]) -> None:
    """Keep the picker on the choice the URL shows, after Back, Forward or a link.

    The page's layout is drawn once per path: without this a Back to ?contratto=1 would show
    contract 1's data under the picker still set on contract 2.
    """
    def on_url(search: object) -> object:
        value = shown(search)
        return no_update if value is None else value

    app.callback(Output(select_id, "value", allow_duplicate=True), Input(ids.URL, "search"),
                 prevent_initial_call=True)(on_url)


def navigate(value: object, shown: object, allow_all: bool = False) -> object:
    """Return the query string for a dropdown choice, or no update for one not the viewer's.

    Dash also calls this when the page appears, with the choice already shown: that changes
    nothing and adds no history entry.
    """
    if value is not None and str(value) == str(shown):
        raise PreventUpdate
    if allow_all and value == ALL:
        return search_for(ALL)
    chosen = access.contract(current_viewer(), value)
    return search_for(chosen.id) if chosen is not None else no_update


def shown_contract(search: object) -> int | None:
    """Return the id of the contract a page shows for a query string."""
    chosen = chosen_contract(search)
    return chosen.id if chosen is not None else None


def navigate_one(value: object, search: object) -> object:
    """Put a single chosen contract into the URL (the contract and delivery pages)."""
    return navigate(value, shown_contract(search))

