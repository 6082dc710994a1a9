"""The cooperative's brand: name, logo, colours, contacts and legal data, from a TOML file.

The file (BRANDING, default branding/secab.toml) is read and checked once when the app is
built: a missing field, a bad colour, a missing logo or a colour too faint for text on it stops
the start with a message naming the file, the field and the problem (docs/BRANDING.md).
Everything that shows the brand reads it through `current()`: pages, mails, PDFs, the CSS.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree.ElementTree import ParseError

from email_validator import EmailNotValidError, validate_email
from flask import Blueprint, Flask, Response, abort, current_app, has_app_context, send_file
from fpdf.svg import SVGObject

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "branding" / "secab.toml"
EXTENSION = "branding"
# The logo is served here, beside the generated colours; both are public and cacheable.
URL_PREFIX = "/branding/"
CSS_URL = URL_PREFIX + "brand.css"
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}
# WCAG 2.1 AA for normal text: the portal writes regular-size text on and in brand colours.
MIN_CONTRAST = 4.5
# WCAG 2.1 (1.4.11, 2.4.7): a focus ring must stand out 3:1 from what it sits on.
MIN_FOCUS_CONTRAST = 3.0
FOCUS_ON_PRIMARY = "#ffd866"   # the header's rings, on the brand colour, when the file names none
WHITE = "#ffffff"
PAGE_BACKGROUND = "#f3f6f8"   # --bg in assets/style.css, where links sit
PORTAL = "Area Riservata"

_HEX = re.compile(r"#[0-9a-fA-F]{6}")
_PHONE = re.compile(r"\+?[0-9][0-9 ./-]{4,}[0-9]")
_FIELDS = {
    "": {"name", "legal_name", "address", "vat_number", "website", "logo", "contacts", "colors"},
    "contacts": {"phone", "email", "hours", "faults"},
    "colors": {"primary", "primary_dark", "primary_light", "focus", "focus_on_primary"},
}
_REQUIRED = {"": ("name", "legal_name", "address", "website", "logo"),
             "colors": ("primary", "primary_dark")}


class BrandingError(RuntimeError):
    """A branding file the portal cannot start with; the message lists every problem."""


@dataclass(frozen=True)
class Branding:
    """The cooperative as the portal shows it."""

    name: str                   # short, in the header and titles: "SECAB"
    legal_name: str             # "SECAB Società Cooperativa"
    address: str                # registered office, one line
    website: str                # https://…
    logo_path: Path
    primary: str
    primary_dark: str
    primary_light: str
    focus: str                  # focus rings on the page (white, the page background)
    focus_on_primary: str       # focus rings in the header, on the brand colour
    logo: bytes = field(repr=False, default=b"")
    vat_number: str | None = None
    phone: str | None = None
    email: str | None = None
    hours: str | None = None
    faults: str | None = None   # the distributor's fault line (pronto intervento), on the bill

    @property
    def website_label(self) -> str:
        """Write the website as people read it: www.secab.it."""
        split = urlsplit(self.website)
        return split.netloc + split.path.rstrip("/")

    @property
    def mail_domain(self) -> str:
        """Return the domain of the website without «www.», for mail headers."""
        return urlsplit(self.website).hostname.removeprefix("www.")

    @property
    def logo_url(self) -> str:
        """Return where the portal serves the logo."""
        return f"{URL_PREFIX}logo{self.logo_path.suffix.lower()}"

    @property
    def portal_name(self) -> str:
        """Name the portal: «Area Riservata SECAB»."""
        return f"{PORTAL} {self.name}"

    @property
    def legal_parts(self) -> list[str]:
        """List who issues pages and documents: name, registered office and partita IVA."""
        vat = [f"P.IVA {self.vat_number}"] if self.vat_number else []
        return [self.legal_name, self.address, *vat]

    @property
    def legal_line(self) -> str:
        """Write the legal data on one line (mails, PDFs)."""
        return " · ".join(self.legal_parts)

    @property
    def contacts(self) -> list[tuple[str, str | None]]:
        """List how to reach the cooperative, each with its link: phone, email, hours, website."""
        phone = ([(f"Tel. {self.phone}", "tel:" + re.sub(r"[^+0-9]", "", self.phone))]
                 if self.phone else [])
        email = [(self.email, f"mailto:{self.email}")] if self.email else []
        hours = [(self.hours, None)] if self.hours else []
        return [*phone, *email, *hours, (self.website_label, self.website)]

    @property
    def contact_line(self) -> str:
        """Write how to reach the cooperative on one line (mails, PDFs)."""
        return " · ".join(text for text, _link in self.contacts)

    def css(self) -> str:
        """Write the brand colours as CSS custom properties for assets/style.css.

        `html:root` outranks style.css's `:root` defaults whatever the order of the links.
        """
        return (f"html:root {{ --primary: {self.primary}; --primary-dark: {self.primary_dark}; "
                f"--primary-light: {self.primary_light}; --focus: {self.focus}; "
                f"--focus-on-primary: {self.focus_on_primary}; }}\n")


def relative_luminance(color: str) -> float:
    """Compute a #rrggbb colour's relative luminance as WCAG 2.1 defines it."""
    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(color[i:i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """Return the WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _tint(color: str, share: float = 0.1) -> str:
    """Mix a little of a colour into white: the light fill behind brand-coloured text."""
    mixed = (round(255 - (255 - int(color[i:i + 2], 16)) * share) for i in (1, 3, 5))
    return "#" + "".join(f"{value:02x}" for value in mixed)


def valid_vat_number(number: str) -> bool:
    """Check an Italian partita IVA: 11 digits whose last one is the Luhn-style check digit."""
    if not re.fullmatch(r"\d{11}", number):
        return False
    digits = [int(d) for d in number]
    total = sum(digits[0:10:2]) + sum(d * 2 - 9 if d * 2 > 9 else d * 2 for d in digits[1:10:2])
    return (10 - total % 10) % 10 == digits[10]


class _Reader:
    """Collect every problem of a branding file, so one start lists them all."""

    def __init__(self, path: Path, data: dict) -> None:
        self.path = path
        self.data = data
        self.problems: list[str] = []

    def problem(self, field: str, message: str) -> None:
        """Note a problem with a field."""
        self.problems.append(f"{self.path}: campo «{field}»: {message}")

    def table(self, section: str) -> dict:
        """Return a section of the file, checking its field names."""
        table = self.data if not section else self.data.get(section, {})
        if not isinstance(table, dict):
            self.problem(section, "deve essere una sezione [" + section + "]")
            return {}
        prefix = f"{section}." if section else ""
        for key in sorted(set(table) - _FIELDS[section]):
            self.problem(prefix + key, "campo sconosciuto (refuso?); ammessi: "
                         + ", ".join(sorted(_FIELDS[section])))
        for key in _REQUIRED.get(section, ()):
            if key not in table:
                self.problem(prefix + key, "manca")
        return table

    def text(self, section: str, key: str) -> str | None:
        """Return a non-empty text field, or None if absent or wrong."""
        value = self.table(section).get(key)
        field = f"{section}.{key}" if section else key
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(field, "deve essere un testo non vuoto")
            return None
        return value.strip()

    def color(self, key: str) -> str | None:
        """Return a #rrggbb colour, or None if absent or malformed."""
        value = self.text("colors", key)
        if value is not None and not _HEX.fullmatch(value):
            self.problem(f"colors.{key}", f"«{value}» non è un colore #rrggbb (es. #0b5d7a)")
            return None
        return value.lower() if value else None


def _read_logo(reader: _Reader, name: str | None) -> tuple[Path, bytes] | None:
    """Read the logo beside the branding file and check that a browser and fpdf2 can draw it."""
    if name is None:
        return None
    path = (reader.path.parent / name).resolve()
    if path.suffix.lower() not in LOGO_TYPES:
        reader.problem("logo", f"«{name}»: usa un file .svg o .png")
        return None
    if not path.is_file():
        reader.problem("logo", f"il file {path} non esiste")
        return None
    data = path.read_bytes()
    try:
        if path.suffix.lower() == ".svg":
            SVGObject(data)
        elif not data.startswith(b"\x89PNG\r\n\x1a\n"):
            raise ValueError("non è un PNG")
    except (ParseError, ValueError) as error:
        reader.problem("logo", f"il file {path} non è leggibile: {error}")
        return None
    return path, data


def _check_contrast(reader: _Reader, primary: str, dark: str, light: str,
                    light_given: bool) -> None:
    """Refuse colours whose text pairs in the portal and the PDFs fall below WCAG AA."""
    # A light colour left out is a tint of the primary one: then the primary one is to change.
    light_field = "colors.primary_light" if light_given else "colors.primary"
    pairs = (
        ("colors.primary", primary, WHITE, "testo bianco sul colore (intestazione, pulsanti)"),
        ("colors.primary", primary, PAGE_BACKGROUND, "link sullo sfondo della pagina"),
        ("colors.primary_dark", dark, WHITE, "testo bianco sul colore (pulsante al passaggio)"),
        (light_field, primary, light, "testo nel colore primario sul colore chiaro"),
        (light_field, dark, light, "testo nel colore scuro sul colore chiaro"),
    )
    for name, text, background, where in pairs:
        ratio = contrast(text, background)
        if ratio < MIN_CONTRAST:
            reader.problem(name, f"contrasto {ratio:.2f}:1 tra {text} e {background} ({where}); "
                           f"WCAG AA chiede almeno {MIN_CONTRAST}:1")


def _check_focus(reader: _Reader, primary: str, focus: str, on_primary: str,
                 given: set[str]) -> None:
    """Refuse focus rings that stand out less than 3:1 from the background they sit on."""
    # A ring colour left out defaults to primary_dark or #ffd866: name the field to add.
    pairs = (
        ("colors.focus" if "focus" in given else "colors.primary_dark", focus, WHITE,
         "anello di focus sul bianco"),
        ("colors.focus" if "focus" in given else "colors.primary_dark", focus, PAGE_BACKGROUND,
         "anello di focus sullo sfondo della pagina"),
        ("colors.focus_on_primary", on_primary, primary,
         "anello di focus nell'intestazione, sul colore primario"),
    )
    for name, ring, background, where in pairs:
        ratio = contrast(ring, background)
        if ratio < MIN_FOCUS_CONTRAST:
            reader.problem(name, f"contrasto {ratio:.2f}:1 tra {ring} e {background} ({where}); "
                           f"WCAG chiede almeno {MIN_FOCUS_CONTRAST:.0f}:1")


def load(path: str | Path) -> Branding:
    """Read and check a branding file; raise BrandingError listing every problem."""
    path = Path(path).resolve()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BrandingError(f"{path}: file di branding non trovato (variabile BRANDING)") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise BrandingError(f"{path}: non è un file TOML valido: {error}") from None
    reader = _Reader(path, data)
    fields = {key: reader.text("", key) for key in ("name", "legal_name", "address", "website")}
    contacts = {key: reader.text("contacts", key)
                for key in ("phone", "email", "hours", "faults")}
    vat_number = reader.text("", "vat_number")
    if vat_number is not None and not valid_vat_number(vat_number.replace(" ", "")):
        reader.problem("vat_number", f"«{vat_number}» non è una partita IVA valida "
                                     "(11 cifre con la cifra di controllo)")
    website = fields["website"]
    if website is not None and (urlsplit(website).scheme not in {"http", "https"}
                                or not urlsplit(website).hostname):
        reader.problem("website", f"«{website}» non è un indirizzo web (https://…)")
    if contacts["email"] is not None:
        try:
            validate_email(contacts["email"], check_deliverability=False)
        except EmailNotValidError as error:
            reader.problem("contacts.email",
                           f"«{contacts['email']}» non è un'email valida: {error}")
    for key in ("phone", "faults"):
        if contacts[key] is not None and not _PHONE.fullmatch(contacts[key]):
            reader.problem(f"contacts.{key}", f"«{contacts[key]}» non è un numero di telefono")
    colors = {key: reader.color(key) for key in
              ("primary", "primary_dark", "primary_light", "focus", "focus_on_primary")}
    given = set(reader.table("colors"))
    light_given = "primary_light" in given
    if colors["primary"] and not light_given:
        colors["primary_light"] = _tint(colors["primary"])
    if "focus" not in given:
        colors["focus"] = colors["primary_dark"]
    if "focus_on_primary" not in given:
        colors["focus_on_primary"] = FOCUS_ON_PRIMARY
    if all(colors.values()):
        _check_contrast(reader, colors["primary"], colors["primary_dark"], colors["primary_light"],
                        light_given)
        _check_focus(reader, colors["primary"], colors["focus"], colors["focus_on_primary"],
                     given)
    logo = _read_logo(reader, reader.text("", "logo"))
    if reader.problems:
        raise BrandingError("Il file di branding non è utilizzabile:\n  "
                            + "\n  ".join(dict.fromkeys(reader.problems)))
    return Branding(**fields, logo_path=logo[0], logo=logo[1], **colors,
                    vat_number=vat_number.replace(" ", "") if vat_number else None, **contacts)


@cache
def default() -> Branding:
    """Return SECAB's branding, shipped with the portal."""
    return load(DEFAULT_FILE)


def current() -> Branding:
    """Return the running app's branding; outside an app (a script, a test), SECAB's."""
    if has_app_context() and EXTENSION in current_app.extensions:
        return current_app.extensions[EXTENSION]
    return default()


bp = Blueprint("branding", __name__)


@bp.get(CSS_URL)
def stylesheet() -> Response:
    """Serve the brand colours as CSS custom properties."""
    response = Response(current().css(), mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


@bp.get(URL_PREFIX + "logo<any('.svg', '.png'):suffix>")
def logo(suffix: str) -> Response:
    """Serve the logo named in the branding file."""
    brand = current()
    if brand.logo_path.suffix.lower() != suffix:
        abort(404)
    return send_file(BytesIO(brand.logo), mimetype=LOGO_TYPES[suffix], max_age=3600)


def install(server: Flask) -> Branding:
    """Load the app's branding file (config BRANDING), serve its CSS and logo, offer it to Jinja."""
    brand = load(server.config.get("BRANDING") or DEFAULT_FILE)
    server.extensions[EXTENSION] = brand
    server.register_blueprint(bp)
    server.context_processor(lambda: {"brand": current()})
    return brand
