"""Maintain the gettext catalogs: `python -m desktop.i18n.catalogs update`.

Extracts every _() and N_() string under desktop/ with Babel (the mapping is i18n/babel.cfg)
and merges it into i18n/<locale>/LC_MESSAGES/eke.po for every language: translations of
msgids that still exist are kept, new msgids arrive untranslated, vanished ones are dropped.
`python -m desktop.i18n.catalogs check` lists msgids without a usable translation.
"""

from __future__ import annotations

import argparse
import re
import string
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from desktop import __version__
from desktop.i18n import DOMAIN, LANGUAGES, catalog_path
from desktop.paths import I18N_DIR

ROOT = I18N_DIR.parent
SOURCE_DIR = ROOT / "desktop"
MAPPING = I18N_DIR / "babel.cfg"
KEYWORDS = {"_": None, "N_": None}
# Error and role codes ("store.damaged") are keys, never English text to translate.
CODE_RE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")


def extract(source_dir: Path = SOURCE_DIR) -> Catalog:
    """A template catalog of every msgid marked in *source_dir* (with source locations)."""
    with open(MAPPING, encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    template = Catalog(project="Eke", domain=DOMAIN, charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
            source_dir, method_map, options_map, keywords=KEYWORDS,
            comment_tags=("Translators:",), strip_comment_tags=True):
        if not isinstance(message, str) or not message or CODE_RE.match(message):
            continue  # _(variable), or a code read by _(TEXTS["code"]): not a msgid
        path = (source_dir / filename).relative_to(ROOT).as_posix()
        template.add(message, None, [(path, lineno)], auto_comments=comments,
                     context=context)
    return template


def msgids(source_dir: Path = SOURCE_DIR) -> set[str]:
    return {str(m.id) for m in extract(source_dir) if m.id}


def load(language: str) -> Catalog:
    path = catalog_path(language)
    if not path.exists():
        return Catalog(locale=None, project="Eke", domain=DOMAIN, charset="utf-8")
    with open(path, "rb") as fh:
        return read_po(fh, locale=None, domain=DOMAIN)


def save(language: str, catalog: Catalog) -> Path:
    path = catalog_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog.language_team = language
    catalog.fuzzy = False  # the header is ours, not a guess
    catalog.project, catalog.version = "Eke", __version__
    catalog.header_comment = (f"# {language} translations of Eke.\n"
                              "# Update with: python -m desktop.i18n.catalogs update")
    with open(path, "wb") as fh:
        write_po(fh, catalog, width=100, sort_output=False, ignore_obsolete=True,
                 omit_header=False)
    return path


def update(languages: Iterable[str] = LANGUAGES) -> dict[str, int]:
    """Merge the extracted msgids into each language's catalog; returns untranslated counts."""
    template = extract()
    untranslated: dict[str, int] = {}
    for language in languages:
        catalog = load(language)
        # No fuzzy matching: a guessed translation of a similar string is worse than none.
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        save(language, catalog)
        untranslated[language] = sum(1 for m in catalog if m.id and not m.string)
    return untranslated


def placeholders(text: str) -> set[str]:
    """The {names} used by str.format in *text*."""
    try:
        return {name for _lit, name, _spec, _conv in string.Formatter().parse(text)
                if name is not None}
    except ValueError:
        return {"<unbalanced braces>"}


def problems(language: str) -> list[str]:
    """Msgids of the code whose translation is missing, fuzzy or has other placeholders."""
    catalog = load(language)
    found = []
    for msgid in sorted(msgids()):
        message = catalog.get(msgid)
        if message is None or not message.string:
            found.append(f"missing: {msgid}")
        elif message.fuzzy:
            found.append(f"fuzzy: {msgid}")
        elif placeholders(str(message.string)) != placeholders(msgid):
            found.append(f"placeholders differ: {msgid}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desktop.i18n.catalogs")
    parser.add_argument("action", choices=("update", "check"))
    parser.add_argument("--language", action="append", choices=LANGUAGES)
    args = parser.parse_args(argv)
    languages = args.language or list(LANGUAGES)
    if args.action == "update":
        for language, count in update(languages).items():
            print(f"{language}: {count} untranslated")
        return 0
    failed = False
    for language in languages:
        for line in problems(language):
            failed = True
            print(f"{language}: {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
