"""Letters: Jinja templates deployed with a process, rendered to PDF/A-2b with WeasyPrint.

A letter `NAME` in language `LANG` is the file `NAME.LANG.letter.html` of the deployed
bundle (it may extend or include other `.letter.html` files of the bundle, such as a shared
layout). The same template and data give the same bytes: the PDF's dates and identifier
come from the letter's date and key, never from the clock.
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from babel.numbers import format_decimal
from jinja2 import DictLoader, StrictUndefined, TemplateNotFound, TemplateSyntaxError, pass_context
from jinja2.sandbox import SandboxedEnvironment

LETTER_OPERATOR = "make_letter"
LETTER_SUFFIX = ".letter.html"
LANGUAGES = ("da", "en")
LOGO_URL = "klageflow-letterhead:logo"
_CACHED_BUNDLES = 32


class LetterError(ValueError):
    """A letter template is missing or failed to render."""


@dataclass(frozen=True)
class Letterhead:
    """What every letter carries about the installation that sends it (besides the sender's
    name, which comes from the case): postal address, contact details and a logo file."""

    address: str = ""
    email: str = ""
    phone: str = ""
    url: str = ""
    logo: Path | None = None


@dataclass(frozen=True)
class Letter:
    """A rendered letter: its title (the HTML `<title>`), language and PDF bytes."""

    template: str
    language: str
    title: str
    pdf: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


def letter_files(files: Mapping[str, str]) -> dict[str, str]:
    """The letter templates of a bundle, by file name."""
    return {name: text for name, text in files.items() if name.endswith(LETTER_SUFFIX)}


def check_letter_template(name: str, text: str) -> tuple[str, int | None] | None:
    """Why a letter template does not compile (message, line), or None when it does."""
    try:
        SandboxedEnvironment().parse(text, name=name)
    except TemplateSyntaxError as exc:
        return exc.message or "syntax error", exc.lineno
    return None


def template_file(template: str, language: str) -> str:
    return f"{template}.{language}{LETTER_SUFFIX}"


class LetterRenderer:
    """Renders the letter templates of deployed bundles; environments are cached by the
    bundle's content hash (deployed versions never change)."""

    def __init__(self, zone: ZoneInfo, letterhead: Letterhead | None = None):
        self.zone = zone
        self.letterhead = letterhead or Letterhead()
        self._lock = threading.Lock()
        self._environments: OrderedDict[str, SandboxedEnvironment] = OrderedDict()
        # WeasyPrint's font configuration, kept per thread: loading fonts is a good part of
        # a letter's time, and Pango's objects are not shared between threads.
        self._fonts = threading.local()

    def warm(self) -> None:
        """Load WeasyPrint and its fonts now (about a second), so that the first step that
        writes a letter does not spend its budget on it. Servers and schedulers call this
        at start."""
        from weasyprint import HTML

        HTML(string="<p>Klageflow</p>").render(font_config=self._font_config()).write_pdf()

    def render(
        self,
        content_hash: str,
        files: Callable[[], Mapping[str, str]],
        template: str,
        language: str,
        context: Mapping[str, Any],
        *,
        dated: datetime,
        key: str,
    ) -> Letter:
        """Render `template` of the bundle `content_hash` (whose files `files()` gives) to PDF.

        `dated` is the letter's date and the PDF's creation date; `key` (the case and the
        letter, say) with it makes the PDF's identifier. Falls back to Danish when the
        language has no version.
        """
        # A heavy import, paid only by processes that write letters.
        from weasyprint import HTML
        from weasyprint.urls import FatalURLFetchingError

        env = self._environment(content_hash, files)
        html, used = self._html(env, template, language, {**context, "letter_date": dated})
        try:
            document = HTML(string=html, url_fetcher=_LetterheadFetcher(self.letterhead)).render(
                font_config=self._font_config()
            )
        except FatalURLFetchingError as exc:
            raise LetterError(f"letter {template}.{used}: {exc.__cause__ or exc}") from exc
        title = document.metadata.title or template
        document.metadata.created = document.metadata.modified = dated.isoformat()
        identifier = hashlib.sha256(f"{key}\0{dated.isoformat()}".encode()).hexdigest()[:32]
        pdf = document.write_pdf(pdf_variant="pdf/a-2b", pdf_identifier=identifier.encode())
        return Letter(template, used, title, pdf)

    def _font_config(self):
        from weasyprint.text.fonts import FontConfiguration

        config = getattr(self._fonts, "config", None)
        if config is None:
            config = self._fonts.config = FontConfiguration()
        return config

    def _html(
        self, env: SandboxedEnvironment, template: str, language: str, context: dict[str, Any]
    ) -> tuple[str, str]:
        for lang in dict.fromkeys([language if language in LANGUAGES else "da", "da"]):
            try:
                loaded = env.get_template(template_file(template, lang))
            except TemplateNotFound:
                continue
            try:
                return loaded.render({**context, "language": lang}), lang
            except Exception as exc:
                raise LetterError(f"letter {template}.{lang} failed: {exc}") from exc
        raise LetterError(f"no letter template named {template!r} is deployed with the process")

    def _environment(
        self, content_hash: str, files: Callable[[], Mapping[str, str]]
    ) -> SandboxedEnvironment:
        with self._lock:
            env = self._environments.get(content_hash)
            if env is not None:
                self._environments.move_to_end(content_hash)
                return env
        # Sandboxed and autoescaped: templates are deployable content, the data is the public's.
        env = SandboxedEnvironment(
            loader=DictLoader(letter_files(files())), autoescape=True, undefined=StrictUndefined
        )
        env.filters.update(
            long_date=self._long_date, clock_time=self._clock_time, amount=self._amount
        )
        env.globals.update(letterhead=self.letterhead, logo_url=LOGO_URL)
        with self._lock:
            self._environments[content_hash] = env
            while len(self._environments) > _CACHED_BUNDLES:
                self._environments.popitem(last=False)
        return env

    def _local(self, value: str | date | datetime) -> date | datetime:
        if isinstance(value, str):
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise LetterError(f"a naive instant cannot be shown in a letter: {value!r}")
            return value.astimezone(self.zone)
        return value

    @pass_context
    def _long_date(self, ctx, value: str | date | datetime | None) -> str:
        """8. august 2025 (8 August 2025): the local day of an instant, or a date."""
        if not value:
            return ""
        local = self._local(value)
        day = local.date() if isinstance(local, datetime) else local
        if ctx.get("language") == "en":
            return format_date(day, "d MMMM y", locale="en_GB")
        return format_date(day, "d. MMMM y", locale="da_DK")

    @pass_context
    def _clock_time(self, ctx, value: str | datetime | None) -> str:
        """kl. 23.59 (23:59): the local time of an instant."""
        if not value:
            return ""
        local = self._local(value)
        if not isinstance(local, datetime):
            raise LetterError(f"a date has no time of day: {value!r}")
        if ctx.get("language") == "en":
            return format_time(local, "HH:mm", locale="en_GB")
        return "kl. " + format_time(local, "HH.mm", locale="da_DK")

    @pass_context
    def _amount(self, ctx, value: int | float | str | Decimal | None) -> str:
        """1.800 kr. (DKK 1,800): an amount in Danish kroner."""
        if value is None or value == "":
            return ""
        number = Decimal(str(value))
        if ctx.get("language") == "en":
            return "DKK " + format_decimal(number, "#,##0", locale="en_GB")
        return format_decimal(number, "#,##0", locale="da_DK") + " kr."


class _LetterheadFetcher:
    """Letters load nothing but the letterhead's logo: no file, network or data URL."""

    _fail_on_errors = True  # read by WeasyPrint: a refused URL stops the letter

    def __init__(self, letterhead: Letterhead):
        self.letterhead = letterhead

    def __call__(self, url: str):
        from weasyprint.urls import URLFetcherResponse

        logo = self.letterhead.logo
        if url != LOGO_URL or logo is None:
            raise LetterError(f"a letter may not load {url!r}")
        content_type = mimetypes.guess_type(logo.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, logo.read_bytes(), {"Content-Type": content_type})
