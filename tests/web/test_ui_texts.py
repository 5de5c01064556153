"""The UI's texts: one TOML file per language, checked against each other when they load."""

from __future__ import annotations

import ast
import re
import shutil
import tomllib
from pathlib import Path

import pytest

from web.ui import i18n
from web.ui.i18n import TextsError

WEB = Path(i18n.__file__).parents[1]
# t("key") or t('key') in a template: one literal key, nothing added to it.
TEMPLATE_CALL = re.compile(r"""\bt\(\s*(["'])([^"'\n]+)\1\s*\)""")


def keys_asked_for() -> dict[str, str]:
    """Every literal key passed to t() in the web package's code and templates -> a place."""
    used: dict[str, str] = {}
    for path in sorted(WEB.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "t"
                and len(node.args) == 1
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                used.setdefault(node.args[0].value, f"{path}:{node.lineno}")
    for path in sorted(WEB.rglob("*.html")):
        for match in TEMPLATE_CALL.finditer(path.read_text(encoding="utf-8")):
            used.setdefault(match.group(2), str(path))
    return used


def test_every_key_the_templates_and_code_ask_for_is_in_the_catalogue():
    used = keys_asked_for()
    assert len(used) > 400  # the scan reads the templates and the code, not nothing
    missing = {key: place for key, place in used.items() if key not in i18n.TEXTS["da"].messages}
    assert missing == {}


def test_the_shipped_languages_have_the_same_keys_in_the_same_order():
    files = {
        lang: tomllib.loads((i18n.TEXTS_DIR / f"{lang}.toml").read_text(encoding="utf-8"))
        for lang in i18n.LANGUAGES
    }
    for table in i18n.TABLES:
        orders = {lang: list(data[table]) for lang, data in files.items()}
        assert orders["en"] == orders["da"], table
    assert len(files["da"]["messages"]) > 500
    assert i18n.load(i18n.TEXTS_DIR) == i18n.TEXTS


@pytest.fixture
def texts(tmp_path: Path) -> Path:
    """A copy of the shipped texts files to break."""
    for lang in i18n.LANGUAGES:
        shutil.copy(i18n.TEXTS_DIR / f"{lang}.toml", tmp_path / f"{lang}.toml")
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_key_missing_in_english_stops_the_start_naming_the_file_and_the_key(texts):
    edit(texts / "en.toml", 'login_needed = "Log in to continue."\n', "")
    with pytest.raises(
        TextsError, match=r"en\.toml: \[messages\] lacks login_needed, which .*da\.toml has"
    ):
        i18n.load(texts)


def test_a_key_only_english_has_stops_the_start_naming_the_file_and_the_key(texts):
    edit(texts / "en.toml", 'nav_api = "API"\n', 'nav_api = "API"\nnav_help = "Help"\n')
    with pytest.raises(
        TextsError, match=r"en\.toml: \[messages\] has nav_help, which .*da\.toml lacks"
    ):
        i18n.load(texts)


def test_an_error_pattern_changed_in_danish_only_stops_the_start(texts):
    edit(texts / "da.toml", "'no such invitation' = ", "'no such invitations' = ")
    with pytest.raises(
        TextsError, match=r"en\.toml: \[error_messages\] lacks no such invitations, which "
    ):
        i18n.load(texts)


def test_a_placeholder_that_differs_between_the_languages_stops_the_start(texts):
    edit(texts / "en.toml", "Try again in {minutes} min.", "Try again in {minute} min.")
    with pytest.raises(
        TextsError,
        match=r"en\.toml: \[messages\] login_locked: has the placeholders \{minute\}, "
        r".*da\.toml has \{minutes\}",
    ):
        i18n.load(texts)


def test_a_placeholder_dropped_from_a_translation_stops_the_start(texts):
    edit(texts / "en.toml", "Try again in {minutes} min.", "Try again later.")
    with pytest.raises(
        TextsError, match=r"login_locked: has the placeholders none, .* \{minutes\}"
    ):
        i18n.load(texts)


def test_an_error_text_naming_a_group_its_pattern_lacks_stops_the_start(texts):
    for lang in i18n.LANGUAGES:
        edit(texts / f"{lang}.toml", "{names}.", "{name}.")
    with pytest.raises(TextsError, match=r"da\.toml: \[error_messages\] waiting for .*\{name\}"):
        i18n.load(texts)


def test_a_file_that_is_not_toml_stops_the_start_naming_the_file(texts):
    edit(texts / "en.toml", 'nav_api = "API"\n', 'nav_api = "API\n')
    with pytest.raises(TextsError, match=r"en\.toml: cannot be read"):
        i18n.load(texts)


def test_a_missing_language_file_stops_the_start_naming_the_file(texts):
    (texts / "en.toml").unlink()
    with pytest.raises(TextsError, match=r"en\.toml: cannot be read"):
        i18n.load(texts)


def test_a_text_that_is_not_a_string_stops_the_start(texts):
    edit(texts / "da.toml", 'nav_api = "API"\n', "nav_api = 1\n")
    with pytest.raises(TextsError, match=r"da\.toml: \[messages\] nav_api: is not a string"):
        i18n.load(texts)


def test_a_status_that_is_not_an_http_status_stops_the_start(texts):
    for lang in i18n.LANGUAGES:
        edit(texts / f"{lang}.toml", "\n422 = ", "\nunprocessable = ")
    with pytest.raises(
        TextsError, match=r"\[error_by_status\] unprocessable: is not an HTTP status"
    ):
        i18n.load(texts)


def test_lookups_in_every_language_go_in_the_source_languages_order(texts):
    english = texts / "en.toml"
    edit(
        english,
        '"Must be one of" = "Choose one of the options."\n"one of " = "Choose one of the options."\n',
        '"one of " = "Choose one of the options."\n"Must be one of" = "Choose one of the options."\n',
    )
    loaded = i18n.load(texts)
    assert (
        list(tomllib.loads(english.read_text(encoding="utf-8"))["field_messages"])[3] == "one of "
    )
    assert list(loaded["en"].field_messages) == list(loaded["da"].field_messages)
    assert list(loaded["en"].field_messages)[3] == "Must be one of"
