"""Texts of the models (import refusals, cost groups, search problems) in the reader's language.

On a page they follow the viewer's language; from the command line (no request) they stay
Italian. The portal's catalog holds the English (translations/en/); models import this
module, never the web layer.
"""
from __future__ import annotations

from flask import has_request_context
from flask_babel import gettext


def N_(text: str) -> str:
    """Mark a text for translation where it is defined; _() translates it where it is shown."""
    return text


def _(text: str, **variables: object) -> str:
    """Translate a refusal for the page that shows it; outside a request, keep the Italian."""
    if has_request_context():
        return gettext(text, **variables)
    return text % variables if variables else text
