"""The web application: create_app() builds the Flask server with the Dash app attached."""
from __future__ import annotations

import plotly.io as pio
from dash.exceptions import DependencyException
from flask import Flask, jsonify, redirect, render_template, request
from flask_migrate import Migrate
from werkzeug.middleware.proxy_fix import ProxyFix

from models import db
from models.database import engine_options, install_sqlite_pragmas, render_migration_item

from . import (
    bootstrap,
    branding,
    config,
    formatting,
    i18n,
    mail,
    masking,
    router,
    security,
    static_compression,
    unavailable,
)
from .admin.routes import bp as admin_bp
from .advice_routes import bp as advice_bp
from .area import bp as area_bp
from .audit_command import register_audit_commands
from .auth import commands as auth_commands
from .auth.accounts import bp as accounts_bp
from .auth.identity import current_viewer
from .auth.routes import bp as auth_bp
from .auth.session_auth import SessionAuth
from .curve_exports import bp as curve_exports_bp
from .health import bp as health_bp
from .i18n import N_
from .index import ASSETS_IGNORE, Portal
from .invoices import bp as invoices_bp
from .layout import shell
from .pages import registry as pages
from .pdf_prerender import register_pdf_commands
from .support import bp as support_bp

MIGRATIONS = config.ROOT / "migrations"
PUBLIC_ROUTES = [
    "/login", "/registrazione", "/registrazione/conferma/<raw>", "/password/dimenticata",
    "/password/reimposta/<raw>", "/account/email/<raw>",
    "/assets/<path:path>.svg", "/assets/<path:path>.png", "/assets/<path:path>.ico",
    "/favicon.ico", "/health", "/ready", "/personale/invito/<raw>", i18n.ROUTE,
    branding.CSS_URL, branding.URL_PREFIX + "logo.svg", branding.URL_PREFIX + "logo.png",
]
INDEX = """<!DOCTYPE html>
<html lang="it">
<head>{%metas%}<title>{%title%}</title>{%favicon%}{%css%}</head>
<body>{%app_entry%}{%config%}{%scripts%}{%renderer%}</body>
</html>"""


def create_app(overrides: dict | None = None) -> Flask:
    """Build the Flask server, its database, its login and the Dash app on it."""
    server = Flask(__name__, instance_path=str(config.INSTANCE), static_folder=None)
    server.config.update(config.defaults())
    server.config.update(config.from_environment())
    server.config.update(overrides or {})
    brand = branding.install(server)  # a bad branding file stops the start here, with its reasons
    server.config["MAIL_SENDER"] = (server.config.get("MAIL_SENDER")
                                    or f"{brand.portal_name} <noreply@{brand.mail_domain}>")
    server.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        server.config["SQLALCHEMY_DATABASE_URI"], server.config["STATEMENT_TIMEOUT_MS"],
        server.config.get("DATABASE_SCHEMA"),
    )
    if server.config.get("PROXY_COUNT"):
        # Behind a reverse proxy the client address (for throttling) is in X-Forwarded-For.
        count = server.config["PROXY_COUNT"]
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=count, x_proto=count, x_host=count)
    db.init_app(server)
    with server.app_context():
        install_sqlite_pragmas(db.engine)
    i18n.install(server)  # before any page: Jinja's _() and each request's language
    mail.install(server)  # early: its after-request hook then runs last, on the final response
    Migrate(server, db, directory=str(MIGRATIONS), render_as_batch=True, compare_type=True,
            render_item=render_migration_item)

    app = Portal(
        __name__,
        server=server,
        assets_folder=str(config.ROOT / "assets"),
        assets_ignore=ASSETS_IGNORE,  # plotly.js: only pages with a chart load it (index.py)
        external_stylesheets=[branding.CSS_URL],
        title=f"{branding.PORTAL} – {brand.name}",
        update_title=None,
        compress=True,  # Flask-Compress; COMPRESS_MIMETYPES in config.defaults()
        suppress_callback_exceptions=True,
        index_string=INDEX,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"},
                   *security.session_timing_meta(server.config)],
    )
    # Dash writes callback answers with plotly's JSON writer, whose "auto" engine picks orjson
    # when it is installed and then walks every component first: 3 ms more per consumption
    # callback than the standard encoder (docs/BENCHMARKS.md).
    pio.json.config.default_engine = "json"
    app.layout = shell
    router.register_callbacks(app)
    pages.register_callbacks(app)   # every page declared in pages/registry.py
    SessionAuth(app, public_routes=PUBLIC_ROUTES)
    server.register_blueprint(auth_bp)
    server.register_blueprint(accounts_bp)
    server.register_blueprint(invoices_bp)
    server.register_blueprint(area_bp)
    server.register_blueprint(curve_exports_bp)
    server.register_blueprint(health_bp)
    server.register_blueprint(support_bp)
    server.register_blueprint(admin_bp)
    server.register_blueprint(advice_bp)
    static_compression.install(server)
    security.protect(app)   # after every callback is registered: the CSP hashes them
    _register_errors(server)
    unavailable.register(server)
    _register_templates(server)
    bootstrap.register_commands(server)
    auth_commands.register_commands(server)
    register_audit_commands(server)
    register_pdf_commands(server)
    # Browsers ask for /favicon.ico on pages that name none, such as a PDF opened in a tab.
    server.add_url_rule("/favicon.ico", "favicon",
                        lambda: redirect("/assets/favicon.ico", code=301))
    server.extensions["dash_app"] = app
    return server


def _register_templates(server: Flask) -> None:
    """Give the Jinja pages the viewer and the Italian formats."""
    server.context_processor(lambda: {
        "viewer": current_viewer(),
        "session_meta": security.session_timing_meta(server.config)})
    server.add_template_filter(formatting.moment, "local_datetime")
    server.add_template_filter(formatting.device, "device")
    server.add_template_filter(masking.for_viewer, "shared")


def _register_errors(server: Flask) -> None:
    """Answer errors with a polite page in the viewer's language, never a traceback."""
    def page(title: str, message: str, status: int):
        return lambda _error: (render_template("message.html", title=i18n._(title),
                                               message=i18n._(message)), status)

    not_found = page(N_("Pagina non trovata"),
                     N_("L'indirizzo non corrisponde a nessuna pagina."), 404)
    server.register_error_handler(404, not_found)
    # Dash raises this for a script path it does not serve (/_dash-component-suites/nope/x.js).
    server.register_error_handler(DependencyException, not_found)
    server.register_error_handler(405, page(
        N_("Operazione non consentita"), N_("Questa pagina non accetta questa operazione."), 405))
    server.register_error_handler(400, page(
        N_("Richiesta non valida"), N_("La richiesta non è valida. Ricarica la pagina e riprova."),
        400))
    server.register_error_handler(413, page(
        N_("Richiesta troppo grande"), N_("I dati inviati sono troppi. Riprova."), 413))
    problem = N_("Si è verificato un problema. Riprova tra qualche minuto.")
    failed = page(N_("Servizio momentaneamente non disponibile"), problem, 500)
    # Callbacks read JSON: assets/callback-errors.js shows the message in the page.
    server.register_error_handler(500, lambda error: (
        (jsonify(error=i18n._(problem)), 500)
        if request.path.startswith("/_dash") else failed(error)))
