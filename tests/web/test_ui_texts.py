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


# How a texts file is broken: (the files edited, the text replaced, its replacement), and
# what the refusal says.
BREAKAGES = [
    pytest.param(
        ["en"],
        'login_needed = "Log in to continue."\n',
        "",
        r"en\.toml: \[messages\] lacks login_needed, which .*da\.toml has",
        id="a key missing in English",
    ),
    pytest.param(
        ["en"],
        'nav_api = "API"\n',
        'nav_api = "API"\nnav_help = "Help"\n',
        r"en\.toml: \[messages\] has nav_help, which .*da\.toml lacks",
        id="a key only English has",
    ),
    pytest.param(
        ["da"],
        "'no such invitation' = ",
        "'no such invitations' = ",
        r"en\.toml: \[error_messages\] lacks no such invitations, which .*da\.toml has",
        id="an error pattern changed in Danish only",
    ),
    pytest.param(
        ["en"],
        "Try again in {minutes} min.",
        "Try again in {minute} min.",
        r"en\.toml: \[messages\] login_locked: has the placeholders \{minute\}, "
        r".*da\.toml has \{minutes\}",
        id="a placeholder renamed in English",
    ),
    pytest.param(
        ["en"],
        "Try again in {minutes} min.",
        "Try again later.",
        r"en\.toml: \[messages\] login_locked: has the placeholders none, .* \{minutes\}",
        id="a placeholder dropped from English",
    ),
    pytest.param(
        ["da", "en"],
        "{names}.",
        "{name}.",
        r"da\.toml: \[error_messages\] waiting for .*\{name\}, which no named group",
        id="an error text naming a group its pattern lacks",
    ),
    pytest.param(
        ["en"],
        'nav_api = "API"\n',
        'nav_api = "API\n',
        r"en\.toml: cannot be read",
        id="a file that is not TOML",
    ),
    pytest.param(
        ["da"],
        'nav_api = "API"\n',
        "nav_api = 1\n",
        r"da\.toml: \[messages\] nav_api: is not a string",
        id="a text that is not a string",
    ),
    pytest.param(
        ["da", "en"],
        "\n422 = ",
        "\nunprocessable = ",
        r"da\.toml: \[error_by_status\] unprocessable: is not an HTTP status",
        id="a status that is not an HTTP status",
    ),
]


@pytest.mark.parametrize(("languages", "old", "new", "refusal"), BREAKAGES)
def test_texts_that_do_not_agree_stop_the_start_naming_the_file_and_the_key(
    texts, languages, old, new, refusal
):
    i18n.load(texts)  # the copies load before they are broken
    for lang in languages:
        path = texts / f"{lang}.toml"
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(TextsError, match=refusal):
        i18n.load(texts)


def test_a_missing_language_file_stops_the_start_naming_the_file(texts):
    (texts / "en.toml").unlink()
    with pytest.raises(TextsError, match=r"en\.toml: cannot be read"):
        i18n.load(texts)


def test_lookups_in_every_language_go_in_the_source_languages_order(texts):
    english = texts / "en.toml"
    first, second = '"Must be one of" = ', '"one of " = '
    lines = english.read_text(encoding="utf-8").splitlines(keepends=True)
    at = [i for i, line in enumerate(lines) if line.startswith((first, second))]
    assert len(at) == 2
    lines[at[0]], lines[at[1]] = lines[at[1]], lines[at[0]]
    english.write_text("".join(lines), encoding="utf-8")
    assert list(tomllib.loads("".join(lines))["field_messages"])[3] == "one of "
    loaded = i18n.load(texts)
    assert list(loaded["en"].field_messages) == list(loaded["da"].field_messages)
    assert list(loaded["en"].field_messages)[3] == "Must be one of"
