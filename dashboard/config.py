"""Settings from the environment, with development defaults."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from models.passwords import PasswordPolicy

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("INSTANCE_PATH", ROOT / "instance"))


def _dev_secret_key() -> str:
    """Read (or create once) the development secret key in the instance folder, outside git."""
    INSTANCE.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def from_environment() -> dict:
    """Build the Flask configuration from environment variables."""
    production = os.environ.get("APP_ENV", "development") == "production"
    secret = os.environ.get("SECRET_KEY")
    if not secret:
        if production:
            # Every worker and instance must share one key, and it must not live in the repo.
            raise RuntimeError("SECRET_KEY deve essere impostata in produzione.")
        secret = _dev_secret_key()
    absolute = timedelta(hours=int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12")))
    return {
        "SECRET_KEY": secret,
        "PRODUCTION": production,
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{INSTANCE / 'area_riservata.db'}"
        ),
        "LOAD_DEMO": _bool("LOAD_DEMO", not production),
        "STATEMENT_TIMEOUT_MS": int(os.environ.get("STATEMENT_TIMEOUT_MS", "5000")),
        "DATABASE_SCHEMA": os.environ.get("DATABASE_SCHEMA"),
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_NAME": "__Host-session" if production else "session",
        # The cookie lives as long as the longest session; the server's row decides sooner.
        "PERMANENT_SESSION_LIFETIME": absolute,
        # Re-signing the cookie on every request would only move an expiry the row enforces.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "SESSION_IDLE_TIMEOUT": timedelta(
            minutes=int(os.environ.get("SESSION_IDLE_MINUTES", "30"))),
        "SESSION_ABSOLUTE_TIMEOUT": absolute,
        "MAIL_SERVER": os.environ.get("MAIL_SERVER"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        # Unset: «Area Riservata <name> <noreply@<website's domain>>» from the branding file.
        "MAIL_SENDER": os.environ.get("MAIL_SENDER"),
        "MAIL_OUTBOX": os.environ.get("MAIL_OUTBOX", str(INSTANCE / "outbox")),
        # The cooperative's name, logo, colours and contacts (dashboard/branding.py).
        "BRANDING": os.environ.get("BRANDING"),   # unset: SECAB's, branding/secab.toml
        # Public address used in links sent by email.
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:8050"),
        # How many reverse proxies set X-Forwarded-For in front of the app (0: none).
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", "0")),
        # Rendered invoice PDFs: in memory per worker, on disk per instance (pdf_cache.py);
        # 0 turns either off.
        "PDF_CACHE_BYTES": int(os.environ.get("PDF_CACHE_BYTES", str(32 * 1024 * 1024))),
        "PDF_CACHE_DIR": os.environ.get("PDF_CACHE_DIR", str(INSTANCE / "pdf-cache")),
        "PDF_CACHE_DISK_BYTES": int(os.environ.get("PDF_CACHE_DISK_BYTES",
                                                   str(2 * 1024 * 1024 * 1024))),
        # Days staff access records are kept; `flask audit prune` refuses fewer than 183.
        "AUDIT_RETENTION_DAYS": int(os.environ.get("AUDIT_RETENTION_DAYS", "183")),
    }


def defaults() -> dict:
    """Return settings that do not depend on the environment."""
    return {
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PASSWORD_POLICY": PasswordPolicy.production(),
        "WTF_CSRF_TIME_LIMIT": None,   # the token lives as long as the session
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        # The page warns this long before an idle session ends, checking this often
        # (assets/session.js reads both from the page's meta tags).
        "SESSION_WARNING_SECONDS": 120,
        "SESSION_CHECK_SECONDS": 15,
        # Scripts, styles and callback JSON; not HTML, where forms put CSRF tokens beside
        # echoed input (BREACH).
        "COMPRESS_MIMETYPES": ["text/css", "text/javascript", "application/javascript",
                               "application/json", "image/svg+xml"],
        # The energy unit prices (€/kWh) the advisor's tariff what-if starts from.
        "ADVICE_DEFAULT_PRICES": {"mono": "0.2000", "bi_f1": "0.2200", "bi_f23": "0.1900",
                                  "multi_f1": "0.2300", "multi_f2": "0.2000",
                                  "multi_f3": "0.1800"},
    }
