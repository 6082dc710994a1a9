"""The English catalogs: complete, consistent with themselves and with the code."""
import re
from collections import defaultdict

from babel.messages.pofile import read_po

from scripts import i18n as catalogs

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _entries() -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """Return (fragment, Italian forms, English forms) for every entry of every fragment."""
    found = []
    for fragment in sorted((catalogs.CATALOGS / "en").glob("*.po")):
        with fragment.open("rb") as handle:
            for entry in read_po(handle):
                if entry.id:
                    ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
                    texts = entry.string if isinstance(entry.string, tuple) else (entry.string,)
                    found.append((fragment.name, ids, texts))
    return found


def test_every_text_in_the_code_has_english():
    gaps = catalogs.missing([catalogs.ROOT / s for s in catalogs.SOURCES])
    assert not gaps, "\n".join(f"{p.name}:{line}: {m!r}" for m, p, line in gaps[:20])


def test_every_translation_keeps_the_placeholders():
    # A plural's singular may leave the number out ("one invoice"), never add a name.
    wrong = []
    for name, ids, texts in _entries():
        given = {p for text in ids for p in PLACEHOLDER.findall(text)}
        for english in texts:
            used = set(PLACEHOLDER.findall(english))
            if not used <= given or (len(ids) == 1 and used != given):
                wrong.append((name, ids[0], english))
    assert not wrong, wrong[:10]


def test_a_text_has_one_english_across_fragments():
    english = defaultdict(set)
    for _name, ids, texts in _entries():
        english[ids[0]].add(texts)
    assert not {it: en for it, en in english.items() if len(en) > 1}


def test_no_english_for_texts_the_code_no_longer_has():
    used = {m if isinstance(m, str) else m[0]
            for m, _p, _l in catalogs.texts([catalogs.ROOT / s for s in catalogs.SOURCES])}
    stale = sorted({ids[0] for _name, ids, _texts in _entries()} - used)
    assert not stale, stale[:20]
