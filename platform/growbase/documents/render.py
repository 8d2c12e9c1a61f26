"""A Word template filled in (docxtpl over a sandboxed Jinja: owners' templates are data,
never code), and a .docx turned into PDF by LibreOffice in its own process."""

import os
import re
import shutil
import subprocess
import tempfile
import threading
from datetime import date
from io import BytesIO
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, Undefined
from jinja2.sandbox import SandboxedEnvironment

from ..config import current
from ..errors import GrowbaseError
from ..i18n import gettext as _
from .words import filters

PDF_SECONDS = 60
PARAGRAPH = re.compile(r"<w:p([ >])")
TAG = re.compile(r"<[^>]+>")
_converting = threading.Lock()  # one LibreOffice profile, one conversion at a time


class DocumentProblem(GrowbaseError, ValueError):
    pass


def environment(locale, strict=False):
    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined if strict else Undefined)
    env.filters.update(filters(locale))
    return env


def fill(body, record, locale, strict=False):
    """The template `body` (.docx bytes) filled in for `record` (a DocumentView)."""
    template = DocxTemplate(BytesIO(body))
    try:
        template.render({"record": record, "today": date.today()},
                        jinja_env=environment(locale, strict), autoescape=True)
    except TemplateError as exc:
        raise DocumentProblem(where(template, exc)) from None
    except Exception as exc:  # whatever fails inside the owner's template is the template's
        raise DocumentProblem(_("The template failed: %(msg)s", msg=str(exc))) from None
    out = BytesIO()
    template.save(out)
    return out.getvalue()


def syntax_problem(body):
    """None, or the sentence naming the paragraph where the template's Jinja is wrong."""
    template = DocxTemplate(BytesIO(body))
    template.init_docx()
    source = PARAGRAPH.sub(r"\n<w:p\1", template.patch_xml(template.get_xml()))
    try:
        environment("en").parse(source)
    except TemplateError as exc:
        return paragraph_of(source, exc)
    return None


def where(template, exc):
    lines = list(getattr(exc, "docx_context", []) or [])
    text = " ".join(t.strip() for t in lines if t.strip())[:120]
    return _("The template failed near \"%(text)s\": %(msg)s", text=text, msg=exc.message) \
        if text else _("The template failed: %(msg)s", msg=exc.message)


def paragraph_of(source, exc):
    lines = source.splitlines()
    number = getattr(exc, "lineno", None) or 1
    text = TAG.sub("", lines[number - 1] if number <= len(lines) else "").strip()[:120]
    paragraph = sum(1 for line in lines[:number] if line.startswith("<w:p"))
    return _("Paragraph %(n)s (\"%(text)s\"): %(msg)s. Fix it in Word and upload it again.",
             n=max(paragraph, 1), text=text, msg=exc.message)


def office():
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx):
    """The PDF of a .docx, made by LibreOffice (a profile of its own under the data folder,
    so it never meets a desktop's)."""
    program = office()
    if program is None:
        raise DocumentProblem(_("PDF needs LibreOffice on the server (Debian: apt install "
                                "libreoffice-writer-nogui); the .docx works without it."))
    profile = Path(current().data_dir) / "office-profile"
    with tempfile.TemporaryDirectory(prefix="gb-doc-") as work, _converting:
        source = Path(work) / "document.docx"
        source.write_bytes(docx)
        try:
            subprocess.run([program, f"-env:UserInstallation=file://{profile}", "--headless",
                            "--convert-to", "pdf", "--outdir", work, str(source)],
                           capture_output=True, timeout=PDF_SECONDS, check=False,
                           env=dict(os.environ, HOME=work))
        except subprocess.TimeoutExpired:
            raise DocumentProblem(_("LibreOffice took longer than %(n)s s to make the PDF.",
                                    n=PDF_SECONDS)) from None
        made = Path(work) / "document.pdf"
        if not made.exists():
            raise DocumentProblem(_("LibreOffice could not make a PDF of this document."))
        return made.read_bytes()
