"""The rules a new password must meet: the cooperative's own, plus a common-password check."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext
from zxcvbn import zxcvbn

MIN_LENGTH = 8
MAX_LENGTH = 1024          # long passphrases welcome; the bound only stops abuse of the hasher
ANALYSED_PREFIX = 72       # zxcvbn refuses longer input; the rest cannot make it "common"


def N_(text: str) -> str:
    """Mark a text for translation; it is translated where it is shown (dashboard.i18n)."""
    return text


@dataclass(frozen=True)
class Rule:
    """One rule as the live checklist and the server state it."""

    key: str
    source: str    # Italian, marked for translation

    @property
    def text(self) -> str:
        """State the rule in the viewer's language (Italian outside a request)."""
        return gettext(self.source, count=MIN_LENGTH)


RULES = (
    Rule("length", N_("Almeno %(count)s caratteri")),
    Rule("letter_digit", N_("Lettere e numeri")),
    Rule("upper", N_("Almeno una lettera maiuscola")),
    Rule("special", N_("Almeno un carattere speciale, ad esempio ! ? / : *")),
    Rule("common", N_("Non una password comune")),
    Rule("personal", N_("Senza il tuo nome, il codice cliente o l'email")),
)
RULE_BY_KEY = {rule.key: rule for rule in RULES}


def personal_words(*values: str | None) -> list[str]:
    """Split account data (name, code, email) into the words a password must not contain."""
    words: set[str] = set()
    # Of an email only the part before "@" is personal; "example" or "gmail" are not.
    values = tuple((v or "").split("@")[0] for v in values)
    for value in values:
        for part in re.split(r"[\s@._\-+]+", (value or "").lower()):
            if len(part) >= 3:
                words.add(part)
    return sorted(words)


def broken_rules(password: str, account_words: Iterable[str] = ()) -> list[str]:
    """Return the keys of the rules the password breaks, in checklist order."""
    broken = []
    if len(password) < MIN_LENGTH or len(password) > MAX_LENGTH:
        broken.append("length")
    if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
        broken.append("letter_digit")
    if not any(c.isupper() for c in password):
        broken.append("upper")
    # Any character that is neither a letter nor a digit counts, spaces and emoji included.
    if not any(not c.isalnum() for c in password):
        broken.append("special")
    common, personal = _dictionary_hits(password, list(account_words))
    if common:
        broken.append("common")
    if personal:
        broken.append("personal")
    return broken


def _dictionary_hits(password: str, account_words: list[str]) -> tuple[bool, bool]:
    """Tell whether the password is mostly a known common password, or holds account data."""
    if not password:
        return False, False
    sample = password[:ANALYSED_PREFIX]
    result = zxcvbn(sample, user_inputs=account_words)
    common = any(m.get("dictionary_name") == "passwords" and len(m["token"]) * 2 >= len(sample)
                 for m in result["sequence"])
    lowered = password.lower()
    personal = any(word in lowered for word in account_words)
    return common, personal


def explain(broken: list[str]) -> str:
    """Word the broken rules as one sentence in the viewer's language."""
    if not broken:
        return ""
    items = "; ".join(RULE_BY_KEY[key].text.lower() for key in broken)
    return gettext("La password non rispetta queste regole: %(items)s.", items=items)
