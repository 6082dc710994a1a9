"""The password rules: the seed's composition rule, a common-password list, account words."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.password_rules import MAX_LENGTH, RULES, broken_rules, explain, personal_words

MARIO = personal_words("Mario Rossi", "100234", "socio@example.com")


@pytest.mark.parametrize(("password", "broken"), [
    ("Paluzza!2023", []),
    ("Ab1!", ["length"]),
    ("paluzza!2023", ["upper"]),
    ("Paluzza2023", ["special"]),
    ("Paluzza!Carnia", ["letter_digit"]),
    ("Cercivento/2023", []),
    ("Password1!", ["common"]),
    ("Qwerty123!", ["common"]),
    ("Mario!2023x", ["personal"]),
    ("Rossi:Casa9", ["personal"]),
    ("X100234!ab", ["personal"]),
    ("Ünïcødé Pässwörd 9", []),          # any Unicode; a space counts as special
    ("correct Horse battery staple 7", []),
    ("Città di Paluzza 2023 🙂", []),
])
def test_rules(password, broken):
    assert broken_rules(password, MARIO) == broken


def test_long_passwords_are_accepted_and_not_truncated():
    long_one = "Una frase lunga e sicura, 2023! " * 3
    assert len(long_one) > 64 and broken_rules(long_one, MARIO) == []
    assert broken_rules("x" * (MAX_LENGTH + 1) + "A1!", MARIO) == ["length"]


def test_email_domain_is_not_a_personal_word():
    assert personal_words("socio@example.com") == ["socio"]


def test_explanation_names_each_broken_rule_in_italian():
    text = explain(["upper", "special"])
    assert "maiuscola" in text and "speciale" in text
    assert explain([]) == ""
    assert {r.key for r in RULES} >= {"length", "letter_digit", "upper", "special", "common",
                                      "personal"}


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=120))
def test_any_text_gets_a_verdict_not_an_error(password):
    broken = broken_rules(password, MARIO)
    assert set(broken) <= {r.key for r in RULES}
    if len(password) < 8:
        assert "length" in broken
