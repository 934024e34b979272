"""Recognise a report file's format, and convert old Word, WPS, RTF and OpenDocument files to
.docx with LibreOffice so that `reports.docx_reader` reads every Word-like file the same way.
"""

import contextlib
import fcntl
import io
import logging
import os
import re
import resource
import shutil
import signal
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

from django.utils.translation import gettext as _

from reports.source import ReportImportError

logger = logging.getLogger(__name__)

OLE2_MAGIC = b"\xd0\xcf\x11\xe0"
ZIP_MAGIC = b"PK\x03\x04"
ODT_MIMETYPES = {
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.text-template",
}
# The name of the main stream of a Word 97–2003 (and Kingsoft WPS) file, as OLE2 stores it.
WORD_STREAM = "WordDocument".encode("utf-16-le")
SUFFIX_RE = re.compile(r"\.[A-Za-z0-9]{1,8}")


def libreoffice_path() -> str | None:
    """The path of LibreOffice's `soffice` (or `libreoffice`) on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def sniff_kind(data: bytes, filename: str) -> str:
    """Which kind of file `data` is, from its first bytes; `filename` only tells .wps from .doc.

    Returns one of "docx", "doc", "wps", "rtf", "odt", "pdf", "text". OLE2 files are "doc"
    ("wps" when the name ends in .wps); a zip whose `mimetype` entry is an OpenDocument text is
    "odt"; any other zip is "docx" (`read_docx` then says whether it really is one); "text" is
    everything not recognised.
    """
    name = (filename or "").lower()
    if data.startswith(OLE2_MAGIC):
        return "wps" if name.endswith((".wps", ".wpt")) else "doc"
    head = data[:1024]
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return "rtf"
    if data.startswith(ZIP_MAGIC):
        return "odt" if _zip_mimetype(data) in ODT_MIMETYPES else "docx"
    if head.startswith(b"%PDF") or b"%PDF-" in head:
        return "pdf"
    return "text"


def _zip_mimetype(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("mimetype")
            if info.file_size > 200:
                return None
            return archive.read(info).decode("ascii", "replace").strip()
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
        return None


# One conversion at a time per server (each LibreOffice takes up to ~1.5 GB); a request that
# waits longer than LOCK_WAIT seconds for its turn is told to try again.
LOCK_PATH = Path(tempfile.gettempdir()) / "fa-portal-libreoffice.lock"
LOCK_WAIT = 20
# Address space of one LibreOffice process: enough for a report, not for a hostile file.
MEMORY_LIMIT = 2 * 1024 * 1024 * 1024


@contextlib.contextmanager
def _one_at_a_time(wait: float = LOCK_WAIT):
    """Hold the server-wide conversion lock (fcntl on LOCK_PATH), or refuse after `wait` s."""
    with open(LOCK_PATH, "a+b") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise ReportImportError(
                        _(
                            "Another file is being converted right now; try again in a "
                            "minute, or save the file as .docx and import that."
                        ),
                        code="convert_busy",
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _limit_memory() -> None:  # runs in the child, before LibreOffice starts
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def convert_to_docx(data: bytes, suffix: str, *, timeout: int = 30) -> bytes:
    """Convert a .doc/.wps/.rtf/.odt file (its bytes and its suffix, e.g. ".doc") to .docx.

    LibreOffice runs headless in a private temporary directory (its own profile and HOME), so
    conversions can run side by side; it is killed after `timeout` seconds. Returns the bytes
    of the .docx.

    Raises `ReportImportError`: "no_libreoffice" when LibreOffice is not installed,
    "convert_timeout" when it takes longer than `timeout` seconds, "convert_failed" when it
    produces no file.
    """
    soffice = libreoffice_path()
    if soffice is None:
        raise ReportImportError(
            _(
                "Old Word (.doc), WPS, RTF and OpenDocument files are converted with "
                "LibreOffice, which is not installed on the server: save the file as .docx "
                "in Word or WPS, or ask the administrator to install LibreOffice (Debian "
                "package libreoffice-writer-nogui)."
            ),
            code="no_libreoffice",
        )
    suffix = (suffix or "").lower()
    if not SUFFIX_RE.fullmatch(suffix):
        suffix = ""
    if suffix in (".wps", ".wpt") and data.startswith(OLE2_MAGIC) and WORD_STREAM in data:
        # Kingsoft WPS files are Word 97 files; under .wps LibreOffice tries Microsoft Works.
        suffix = ".doc"
    with tempfile.TemporaryDirectory(prefix="report-convert-") as tmp:
        source_dir, out_dir = Path(tmp, "in"), Path(tmp, "out")
        source_dir.mkdir()
        out_dir.mkdir()
        source = source_dir / f"input{suffix}"
        source.write_bytes(data)
        command = [
            soffice,
            "--headless",
            "--norestore",
            "--nolockcheck",
            f"-env:UserInstallation=file://{tmp}/profile",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out_dir),
            str(source),
        ]
        env = {**os.environ, "HOME": tmp}
        with _one_at_a_time():
            result = _run(command, env=env, timeout=timeout)
        output = out_dir / "input.docx"
        if not output.is_file() or output.stat().st_size == 0:
            logger.warning(
                "LibreOffice did not convert a %s file (exit %s): %s",
                suffix or "suffix-less",
                result.returncode,
                (result.stderr or b"")[-2000:].decode("utf-8", "replace"),
            )
            raise ReportImportError(
                _(
                    "LibreOffice could not convert the file (it may be damaged, protected by "
                    "a password, or not a word-processing document): open it in Word or WPS, "
                    "save it as .docx and import that."
                ),
                code="convert_failed",
            )
        return output.read_bytes()


def _run(command: list[str], *, env: dict, timeout: int) -> subprocess.CompletedProcess:
    """Run LibreOffice in its own process group, so a timeout kills all its processes."""
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,
            preexec_fn=_limit_memory,
        )
    except OSError as exc:
        logger.warning("Cannot start LibreOffice: %s", exc)
        raise ReportImportError(
            _("LibreOffice could not be started on the server; save the file as .docx."),
            code="convert_failed",
        ) from exc
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        _kill_group(process)
        raise ReportImportError(
            _(
                "Converting the file took longer than %(seconds)d seconds; save it as .docx "
                "in Word or WPS and import that."
            )
            % {"seconds": timeout},
            code="convert_timeout",
        ) from exc
    except BaseException:
        _kill_group(process)
        raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()
    try:
        process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        logger.warning("LibreOffice (pid %s) did not exit after being killed", process.pid)
