"""«Codice per l'assistenza» on every member page, and «Segui il socio» for staff.

The member asks for a code and reads it out; staff type it in the support console and land
on the same page. While the member lets them, the staff view follows the member's navigation
within a few seconds (a 3-second timer in the staff's page asks where the member is).
"""
from __future__ import annotations

from dash import Dash, Input, Output, State, ctx, html, no_update

from models import assistance as codes
from models import db
from models.entities import utcnow

from . import formatting as fmt
from . import ids
from .auth.identity import current_viewer
from .i18n import _


def _widget(code: str | None, row: codes.AssistanceCode | None) -> list:
    """Build the member's assistance box: the button, or the live code and its controls."""
    if row is None or not code:
        return [html.Button(_("Codice per l'assistenza"), id=ids.ASSIST_ASK, className="button",
                            n_clicks=0)]
    following = row.follow_until is not None and row.follow_until > utcnow()
    spelled = " ".join(code)
    return [
        html.Span(_("Codice per l'assistenza:")),
        html.Strong(code, className="assist-code", **{"aria-label": spelled}),
        html.Span(_("valido fino alle %(time)s", time=fmt.moment(row.expires_at)[-5:]),
                  className="muted"),
        html.Button(_("Non seguirmi più") if following else _("Lascia che l'operatore mi segua"),
                    id=ids.ASSIST_FOLLOW, className="button", n_clicks=0,
                    **{"aria-pressed": "true" if following else "false"}),
        html.Button(_("Chiudi l'assistenza"), id=ids.ASSIST_CLOSE, className="button",
                    n_clicks=0),
    ]


def show(pathname: object, search: object, stored: object) -> tuple[list, bool]:
    """Draw the member's box (noting where they are for staff); start the staff's timer."""
    viewer = current_viewer()
    if viewer is None or not (viewer.is_member or viewer.is_staff_view):
        return [], True
    if viewer.is_staff_view:
        return [], False
    now = utcnow()
    if codes.note_location(db.session, viewer.customer_id, now, pathname, search):
        db.session.commit()
    row = codes.live(db.session, viewer.customer_id, now)
    code = stored.get("code") if isinstance(stored, dict) else None
    return _widget(code if isinstance(code, str) else None, row), True


def ask(_clicks: object, pathname: object, search: object) -> object:
    """Give the member a fresh code for where they are now."""
    viewer = current_viewer()
    if viewer is None or not viewer.is_member or not _clicks:
        return no_update
    code = codes.issue(db.session, viewer.customer_id, utcnow(), pathname, search)
    db.session.commit()
    return {"code": code}


def control(_follow: object, _close: object, stored: object) -> object:
    """Let staff follow (or stop them), or close the assistance at once."""
    viewer = current_viewer()
    if viewer is None or not viewer.is_member or not (_follow or _close):
        return no_update
    now = utcnow()
    if ctx.triggered_id == ids.ASSIST_CLOSE:
        codes.end(db.session, viewer.customer_id)
        db.session.commit()
        return None
    row = codes.live(db.session, viewer.customer_id, now)
    following = row is not None and row.follow_until is not None and row.follow_until > now
    codes.set_following(db.session, viewer.customer_id, now, not following)
    db.session.commit()
    return {**stored, "follow": not following} if isinstance(stored, dict) else stored


def follow(_tick: object, pathname: object, search: object) -> object:
    """Take the staff view to the page the member is on, while they allow it."""
    viewer = current_viewer()
    if viewer is None or not viewer.is_staff_view:
        return no_update
    where = codes.followed_location(db.session, viewer.viewing_customer_id, utcnow())
    here = (pathname if isinstance(pathname, str) else "") + (
        search if isinstance(search, str) else "")
    return where.url if where is not None and where.url != here else no_update


def register_callbacks(app: Dash) -> None:
    """Wire the assistance box and the staff's follow timer on this app instance."""
    app.callback(
        Output(ids.ASSIST_BOX, "children"), Output(ids.FOLLOW_TICK, "disabled"),
        Input(ids.URL, "pathname"), Input(ids.URL, "search"), Input(ids.ASSIST_STORE, "data"),
    )(show)
    app.callback(
        Output(ids.ASSIST_STORE, "data"),
        Input(ids.ASSIST_ASK, "n_clicks"), State(ids.URL, "pathname"), State(ids.URL, "search"),
        prevent_initial_call=True,
    )(ask)
    app.callback(
        Output(ids.ASSIST_STORE, "data", allow_duplicate=True),
        Input(ids.ASSIST_FOLLOW, "n_clicks"), Input(ids.ASSIST_CLOSE, "n_clicks"),
        State(ids.ASSIST_STORE, "data"),
        prevent_initial_call=True,
    )(control)
    app.callback(
        Output(ids.URL, "href"),
        Input(ids.FOLLOW_TICK, "n_intervals"), State(ids.URL, "pathname"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )(follow)
