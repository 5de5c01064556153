"""The UI's words in Danish (the default) and English, and the chosen language.

The words are data, one file per language beside this module: `texts/da.toml` (Danish, the
source language) and `texts/en.toml`, read once at import. Each holds the messages keyed by
message id (templates call `t("key")`), the translations of form validation messages and of
the services' refusals, and a sentence per HTTP status for other refusals. The language is
the session's choice (set on /sprog/<lang>), else KLAGEFLOW_LANGUAGE.
"""

from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import session

from ..context import services

LANGUAGES = ("da", "en")
# The language the texts are written in first; the others' files follow its keys and order.
SOURCE_LANGUAGE = "da"
TEXTS_DIR = Path(__file__).with_name("texts")
TABLES = ("messages", "field_messages", "error_messages", "error_by_status")


class TextsError(Exception):
    """A texts file that cannot be read, or a language whose texts do not match the source's."""


@dataclass(frozen=True)
class Texts:
    """One language's texts; the tables read in order keep the source language's order."""

    messages: dict[str, str]
    # The start of a validation message -> its text; the first that fits wins.
    field_messages: dict[str, str]
    # A pattern a refusal matches in full -> its text, {name} filled from the group `name`;
    # the first that matches wins.
    error_messages: dict[re.Pattern[str], str]
    # A refusal no pattern matches, by its HTTP status.
    error_by_status: dict[int, str]


def load(directory: Path) -> dict[str, Texts]:
    """Every language's texts from `<directory>/<language>.toml`.

    Raises TextsError, naming the file and the key, when a file is not TOML or lacks a
    table, a text is not a string, a language's keys differ from the source language's, a
    text's {placeholders} differ from its source text's, or an error pattern is not a regular
    expression or its text names a group the pattern does not have."""
    paths = {lang: directory / f"{lang}.toml" for lang in LANGUAGES}
    tables = {lang: _read(path) for lang, path in paths.items()}
    source = tables[SOURCE_LANGUAGE]
    for lang in LANGUAGES:
        if lang != SOURCE_LANGUAGE:
            _check_matches_source(paths[lang], tables[lang], paths[SOURCE_LANGUAGE], source)
    patterns = _patterns(paths[SOURCE_LANGUAGE], source["error_messages"])
    statuses = _statuses(paths[SOURCE_LANGUAGE], source["error_by_status"])
    texts = {}
    for lang, table in tables.items():
        # Every language in the source language's order, which the first-match lookups keep.
        ordered = {name: {key: table[name][key] for key in source[name]} for name in TABLES}
        texts[lang] = Texts(
            messages=ordered["messages"],
            field_messages=ordered["field_messages"],
            error_messages={patterns[key]: text for key, text in ordered["error_messages"].items()},
            error_by_status={
                statuses[key]: text for key, text in ordered["error_by_status"].items()
            },
        )
    return texts


def _read(path: Path) -> dict[str, dict[str, str]]:
    """The tables of one texts file, each checked to be a table of strings."""
    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise TextsError(f"{path}: cannot be read: {error}") from error
    for name in TABLES:
        if not isinstance(data.get(name), dict):
            raise TextsError(f"{path}: has no table [{name}]")
        for key, text in data[name].items():
            if not isinstance(text, str):
                raise TextsError(f"{path}: [{name}] {key}: is not a string")
    unknown = [name for name in data if name not in TABLES]
    if unknown:
        raise TextsError(f"{path}: has unknown table(s) {', '.join(unknown)}")
    return data


def _placeholders(path: Path, table: str, key: str, text: str) -> set[str]:
    """The names in braces in `text` that str.format fills."""
    try:
        return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}
    except ValueError as error:
        raise TextsError(f"{path}: [{table}] {key}: {error}") from error


def _check_matches_source(
    path: Path,
    tables: dict[str, dict[str, str]],
    source_path: Path,
    source: dict[str, dict[str, str]],
) -> None:
    """Refuse a language whose keys or placeholders differ from the source language's."""
    for name in TABLES:
        missing = [key for key in source[name] if key not in tables[name]]
        if missing:
            raise TextsError(
                f"{path}: [{name}] lacks {', '.join(missing)}, which {source_path} has"
            )
        extra = [key for key in tables[name] if key not in source[name]]
        if extra:
            raise TextsError(f"{path}: [{name}] has {', '.join(extra)}, which {source_path} lacks")
        for key, source_text in source[name].items():
            wanted = _placeholders(source_path, name, key, source_text)
            found = _placeholders(path, name, key, tables[name][key])
            if found != wanted:
                raise TextsError(
                    f"{path}: [{name}] {key}: has the placeholders {_braced(found)}, "
                    f"{source_path} has {_braced(wanted)}"
                )


def _braced(names: set[str]) -> str:
    return ", ".join("{" + name + "}" for name in sorted(names)) or "none"


def _patterns(path: Path, table: dict[str, str]) -> dict[str, re.Pattern[str]]:
    """Each error pattern compiled, its text's placeholders checked against its groups."""
    patterns = {}
    for key, text in table.items():
        try:
            pattern = re.compile(key)
        except re.error as error:
            raise TextsError(
                f"{path}: [error_messages] {key}: not a regular expression: {error}"
            ) from error
        unknown = _placeholders(path, "error_messages", key, text) - set(pattern.groupindex)
        if unknown:
            raise TextsError(
                f"{path}: [error_messages] {key}: the text has {_braced(unknown)}, "
                "which no named group (?P<name>...) of the pattern fills"
            )
        patterns[key] = pattern
    return patterns


def _statuses(path: Path, table: dict[str, str]) -> dict[str, int]:
    """Each key of [error_by_status] as its HTTP status."""
    for key in table:
        if not (key.isdecimal() and len(key) == 3):
            raise TextsError(f"{path}: [error_by_status] {key}: is not an HTTP status")
    return {key: int(key) for key in table}


TEXTS = load(TEXTS_DIR)


def language() -> str:
    """The language of this request."""
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    default = services().settings.language
    return default if default in LANGUAGES else "da"


def t(key: str) -> str:
    """The text of `key` in the request's language (the key itself if it is unknown)."""
    return TEXTS[language()].messages.get(key, key)


def pick(danish: str | None, english: str | None) -> str | None:
    """Of a Danish/English pair from the domain (status labels), the one to show."""
    return english if language() == "en" and english else danish


def error_message(message: str, status: int = 400, general: bool = True) -> str:
    """A service's refusal in the request's language: a known one word for word, else a
    general sentence for its status, so no English detail reaches a citizen's page
    (`general=False` keeps an unknown message as it is, for staff)."""
    texts = TEXTS[language()]
    for pattern, text in texts.error_messages.items():
        match = pattern.fullmatch(message)
        if match:
            return text.format(**match.groupdict())
    if not general:
        return message
    sentence = texts.error_by_status.get(status)
    return sentence if sentence is not None else t("error_other_title") + "."


def field_message(message: str) -> str:
    """A validation message in the request's language (unknown ones as they are)."""
    for start, text in TEXTS[language()].field_messages.items():
        if message.startswith(start):
            return text
    return message


def field_messages(errors: dict[str, Any]) -> dict[str, Any]:
    """Validation errors by field with each message in the request's language (nested kept)."""
    return {
        key: [field_message(m) if isinstance(m, str) else m for m in messages]
        if isinstance(messages, list)
        else messages
        for key, messages in errors.items()
    }
