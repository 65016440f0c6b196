"""The page's HTML, from the Jinja2 templates in ``report/templates/``.

Every value a template writes is escaped (autoescape), as ``html.escape`` spells it, except
HTML the report made itself (a table, a macro's output: ``Markup``). The templates are laid out
for their reader, a tag per line where that helps; the page has no such layout: a line break
and the indentation after it are dropped between two tags. Text therefore never breaks across
a template's lines.
"""

import functools
import html
import re
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from dagster_project.report.words import ordinal, words

TEMPLATES = Path(__file__).parent / "templates"
_LAYOUT = re.compile(r">\n\s*<")  # a template's line break (and indentation) between two tags


def fill(template: str, **context: object) -> Markup:
    """The template filled in with ``context``, without its layout."""
    page = _environment().get_template(template).render(**context)
    return Markup(_LAYOUT.sub("><", page))


@functools.cache
def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        finalize=_escaped,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
    )
    environment.filters.update(num=num, signal=signal, raw=raw, words=words, ordinal=ordinal)
    environment.tests["missing"] = missing
    return environment


def _escaped(value: object) -> Markup:
    """A value as ``html.escape`` writes it ('&#x27;', '&quot;'), the entities the page has
    always had (Jinja's own escape spells them '&#39;', '&#34;'); Markup stays as it is."""
    return value if isinstance(value, Markup) else Markup(html.escape(str(value)))


def missing(value: object) -> bool:
    """True for a mart's null (None, NaN, NA, NaT)."""
    return value is None or bool(pd.isna(value))


def num(value: object, fmt: str, suffix: str = "") -> str:
    """A figure formatted ('+,.0f'), with its unit; 'n/a' for a null."""
    if missing(value):
        return "n/a"
    return f"{format(value, fmt)}{suffix}"


def signal(value: object) -> str:
    """A scorecard reading: '+1', '0', '-1'; 'n/a' for a null."""
    if missing(value):
        return "n/a"
    return f"{int(value):+d}" if int(value) else "0"


def raw(value: object) -> str:
    """A cell's value as the mart holds it, for the data-value attribute (tests read it)."""
    if missing(value):
        return ""
    if isinstance(value, pd.Timestamp | datetime | date):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if isinstance(value, bool | np.bool_):
        return str(bool(value)).lower()
    if isinstance(value, float | np.floating):
        return repr(float(value))
    return str(value)
