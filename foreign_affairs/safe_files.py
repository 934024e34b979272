"""Checks on uploaded zip packages (.xlsx, .docx) before anything in them is decompressed.

An Office file is a zip of XML parts. A hostile one is small on the wire and huge once
unpacked (a "zip bomb"), or holds millions of parts; the checks here read only the zip's
central directory (names and declared sizes), so they cost microseconds whatever the file
claims. The parts themselves are then parsed without entity expansion by their readers
(`reports.docx_reader`, `foreign_affairs.imports.workbook`).

Source of the approach: OWASP "File Upload Cheat Sheet" (archives: check the declared
uncompressed size and the number of entries before extracting).
"""

import io
import zipfile
from dataclasses import dataclass


class UnsafeArchive(ValueError):
    """The upload is not a readable zip (`code` "not_zip") or unpacks to too much ("too_large").

    Callers turn it into their own message; `str(error)` says which limit, for the log.
    """

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ZipLimits:
    """What a package may declare: entries, bytes in all, and compression ratio per entry.

    `max_ratio` applies to entries declaring more than `ratio_checked_from` bytes (small parts
    compress far better than any real document and are harmless).
    """

    max_entries: int = 2000
    max_uncompressed: int = 100 * 1024 * 1024  # bytes, all entries together
    max_ratio: int = 200
    ratio_checked_from: int = 1024 * 1024  # bytes


def check_zip(data: bytes, limits: ZipLimits = ZipLimits()) -> list[zipfile.ZipInfo]:
    """Check the zip's directory against `limits` and return its entries.

    Nothing is decompressed. Raises `UnsafeArchive` with code "not_zip" when `data` is not a
    zip at all, and "too_large" when it has more than `limits.max_entries` entries, declares
    more than `limits.max_uncompressed` bytes in all, or has an entry above
    `limits.ratio_checked_from` bytes compressed more than `limits.max_ratio` times.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise UnsafeArchive(f"not a zip: {exc}", code="not_zip") from exc
    if len(infos) > limits.max_entries:
        raise UnsafeArchive(f"{len(infos)} entries", code="too_large")
    total = sum(info.file_size for info in infos)
    if total > limits.max_uncompressed:
        raise UnsafeArchive(f"{total} bytes uncompressed", code="too_large")
    for info in infos:
        if info.file_size > limits.ratio_checked_from and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise UnsafeArchive(
                f"{info.filename}: {info.file_size} bytes from {info.compress_size}",
                code="too_large",
            )
    return infos
