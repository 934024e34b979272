"""Backups: the database and the media files in one dated archive, and their restore.

An archive is `<BACKUP_DIR>/portal-YYYY-MM-DD-HHMMSS.tar.gz` holding

- `database.dump` (PostgreSQL: `pg_dump --format=custom`, one consistent snapshot) or
  `database.sqlite3` (SQLite: a copy made with SQLite's online backup API, consistent too);
- `media/…`: every file under MEDIA_ROOT;
- `manifest.json`: the format, the database vendor, the time, and the SHA-256 of every other
  member, checked before anything is restored.

`restore` verifies the whole archive first, refuses a database or media folder that is not
empty unless asked to replace it (and then first saves what it replaces as a
`pre-restore-…` archive), then replaces the database and the media folder.
Used by `manage.py backup` and `manage.py restore` (docs/deploy.md, "Backups").
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_MEMBERS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024
#: How long an SQLite backup waits for a writer to finish before it gives up.
SQLITE_LOCK_WAIT_SECONDS = 60


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, for the operator."""


class NotEmpty(BackupError):
    """The restore would replace data and was not told to."""


@dataclass
class Restored:
    """What a restore brought back: the database's vendor, its tables, the media files, and
    the archive made of what was replaced (None when the target was empty)."""

    vendor: str
    tables: int
    files: int
    safety_backup: Path | None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader:
    """A file wrapper that hashes what tarfile reads from it (each file is read once)."""

    def __init__(self, file):
        self.file = file
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.file.read(size)
        self.digest.update(data)
        return data


def _connection(using: str):
    connection = connections[using]
    if connection.vendor not in DATABASE_MEMBERS:
        raise BackupError(
            _("Backups support PostgreSQL and SQLite, not %(vendor)s.")
            % {"vendor": connection.vendor}
        )
    return connection


def _pg_command(connection, program: str, *options: str) -> tuple[list[str], dict]:
    """Return the command line and environment of a PostgreSQL client program connecting as
    Django does (host, port, user, password, SSL options from DATABASES)."""
    from django.db.backends.postgresql.client import DatabaseClient

    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            _(
                "%(program)s is not installed: install the PostgreSQL client programs "
                "(apt-get install postgresql-client) in the version of the server or newer."
            )
            % {"program": program}
        )
    settings_dict = connection.settings_dict
    args, env = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    name = settings_dict.get("NAME")
    service = settings_dict["OPTIONS"].get("service")
    if name or not service:  # the database name ends the arguments: pass it as --dbname
        flags, target = args[1:-1], f"--dbname={args[-1]}"
    else:
        flags, target = args[1:], f"--dbname=service={service}"
    return [executable, *flags, *options, target], {**os.environ, **(env or {})}


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": Path(command[0]).name, "error": result.stderr.strip()[-2000:]}
        )


def dump_database(using: str, folder: Path) -> Path:
    """Write a consistent copy of the database into `folder`; return its path."""
    connection = _connection(using)
    path = folder / DATABASE_MEMBERS[connection.vendor]
    if connection.vendor == "postgresql":
        _run(*_pg_command(connection, "pg_dump", "--format=custom", f"--file={path}"))
    else:
        connection.ensure_connection()
        target = sqlite3.connect(path)
        deadline = time.monotonic() + SQLITE_LOCK_WAIT_SECONDS

        def give_up_when_locked_too_long(status, remaining, total):
            # SQLite's backup retries for as long as a writer holds the database: bound it.
            if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and (
                time.monotonic() > deadline
            ):
                raise BackupError(
                    _("The SQLite database stayed locked for %(seconds)d s; try again later.")
                    % {"seconds": SQLITE_LOCK_WAIT_SECONDS}
                )

        try:
            connection.connection.backup(target, progress=give_up_when_locked_too_long)
        finally:
            target.close()
    return path


def media_files(root: Path) -> list[Path]:
    """Every regular file under `root` (symbolic links are not followed), sorted."""
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file() and not path.is_symlink())


def create_backup(directory: Path | None = None, *, using: str = "default",
                  prefix: str = "portal") -> Path:  # fmt: skip
    """Write one archive of the database and MEDIA_ROOT into `directory` (BACKUP_DIR by
    default) and return its path. The archive appears only when complete (written under a
    temporary name, then renamed). Raises BackupError."""
    directory = Path(directory or settings.BACKUP_DIR)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    connection = _connection(using)
    now = timezone.localtime()
    stem = f"{prefix}-{now:%Y-%m-%d-%H%M%S}"
    target = directory / f"{stem}.tar.gz"
    counter = 1
    while target.exists():
        counter += 1
        target = directory / f"{stem}-{counter}.tar.gz"
    partial = target.with_name(target.name + ".partial")
    media_root = Path(settings.MEDIA_ROOT)
    manifest = {
        "format": FORMAT,
        "created": now.isoformat(),
        "vendor": connection.vendor,
        "database": {},
        "media": {},
    }
    try:
        with tempfile.TemporaryDirectory(dir=directory) as work:
            database = dump_database(using, Path(work))
            partial.touch(mode=0o600)  # passports and contracts: the owner's eyes only
            with tarfile.open(partial, "w:gz") as archive:
                archive.add(database, arcname=database.name)
                manifest["database"] = {database.name: sha256_of(database)}
                for path in media_files(media_root):
                    if directory.resolve() in path.resolve().parents:
                        continue  # BACKUP_DIR inside MEDIA_ROOT: never archive the archives
                    name = str(PurePosixPath(MEDIA, *path.relative_to(media_root).parts))
                    try:
                        file = path.open("rb")
                    except FileNotFoundError:  # deleted while the backup ran
                        continue
                    with file:
                        info = archive.gettarinfo(fileobj=file, arcname=name)
                        reader = _HashingReader(file)
                        archive.addfile(info, reader)
                    manifest["media"][name] = reader.digest.hexdigest()
                data = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime = len(data), int(now.timestamp())
                archive.addfile(info, io.BytesIO(data))
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def _safe_member_name(name: str) -> PurePosixPath | None:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        return None
    return path


def _unpack(archive_path: Path, folder: Path) -> dict:
    """Extract the archive into `folder` after checking every member; verify each file's
    SHA-256 against the manifest; return the manifest. Raises BackupError."""
    try:
        archive = tarfile.open(archive_path, "r:gz")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(
            _("%(path)s is not a backup archive of the portal: %(error)s")
            % {"path": archive_path, "error": error}
        ) from error
    with archive:
        try:
            for member in archive:
                path = _safe_member_name(member.name)
                if member.isdir():
                    continue
                if path is None or not member.isfile():
                    raise BackupError(
                        _("The archive holds an entry the portal never writes: %(name)s")
                        % {"name": member.name}
                    )
                destination = folder.joinpath(*path.parts)
                destination.parent.mkdir(parents=True, exist_ok=True)
                with archive.extractfile(member) as source, destination.open("wb") as target:
                    shutil.copyfileobj(source, target, CHUNK)
        except (OSError, tarfile.TarError, EOFError) as error:
            raise BackupError(
                _("The archive %(path)s is damaged: %(error)s")
                % {"path": archive_path, "error": error}
            ) from error
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
        expected = {**manifest["database"], **manifest["media"]}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BackupError(
            _("%(path)s has no readable manifest: it was not written by manage.py backup.")
            % {"path": archive_path}
        ) from error
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _("The archive's format %(format)s is not the one this portal reads (%(ours)s).")
            % {"format": manifest.get("format"), "ours": FORMAT}
        )
    present = {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}
    present.discard(MANIFEST)
    if set(expected) != present:
        missing = sorted(set(expected) - present) or sorted(present - set(expected))
        raise BackupError(
            _("The archive's files do not match its manifest (for instance %(name)s).")
            % {"name": missing[0]}
        )
    for name, digest in expected.items():
        if sha256_of(folder / name) != digest:
            raise BackupError(
                _("%(name)s in the archive does not match its SHA-256: the archive is damaged.")
                % {"name": name}
            )
    return manifest


def database_tables(using: str) -> list[str]:
    connection = connections[using]
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def _clear_postgresql(connection) -> None:
    """Drop every table, sequence and collation of the connection's schema (the restore
    recreates them)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        tables = [row[0] for row in cursor.fetchall()]
        if tables:
            quoted = ", ".join(connection.ops.quote_name(name) for name in tables)
            cursor.execute(f"DROP TABLE IF EXISTS {quoted} CASCADE")
        cursor.execute("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")
        sequences = [row[0] for row in cursor.fetchall()]
        if sequences:
            quoted = ", ".join(connection.ops.quote_name(name) for name in sequences)
            cursor.execute(f"DROP SEQUENCE IF EXISTS {quoted} CASCADE")
        # The collations migrations created (foreign_affairs/0008: `pinyin`): the dump has them.
        cursor.execute(
            "SELECT collname FROM pg_collation WHERE collnamespace = current_schema()::regnamespace"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f"DROP COLLATION IF EXISTS {connection.ops.quote_name(name)} CASCADE")


def _load_database(using: str, path: Path) -> None:
    connection = connections[using]
    if connection.vendor == "postgresql":
        _clear_postgresql(connection)
        connection.close()
        _run(*_pg_command(connection, "pg_restore", "--no-owner", "--no-privileges",
                          "--single-transaction", "--exit-on-error", str(path)))  # fmt: skip
    else:
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        connection.close()


def _replace_media(unpacked: Path, media_root: Path) -> int:
    """Empty MEDIA_ROOT and move the archive's files in; return how many."""
    media_root.mkdir(parents=True, exist_ok=True)
    for child in media_root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    count = 0
    if unpacked.is_dir():
        for path in sorted(unpacked.rglob("*")):
            if path.is_file():
                destination = media_root / path.relative_to(unpacked)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(path, destination)
                count += 1
    return count


def restore_backup(archive_path: Path, *, using: str = "default",
                   replace: bool = False) -> Restored:  # fmt: skip
    """Bring back the database and the media files of an archive made by `create_backup`.

    The archive is checked whole first (members, manifest, SHA-256 of every file, database
    vendor). A database with tables or a media folder with files is replaced only with
    `replace=True`, after it was saved as a `pre-restore-…` archive in BACKUP_DIR; otherwise
    NotEmpty is raised and nothing changes. Raises BackupError."""
    archive_path = Path(archive_path)
    if not archive_path.is_file():
        raise BackupError(_("There is no file %(path)s.") % {"path": archive_path})
    connection = _connection(using)
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    # Unpacked next to MEDIA_ROOT, so the files are moved into place, not copied.
    with tempfile.TemporaryDirectory(dir=media_root.parent, prefix=".restore-") as work:
        folder = Path(work)
        manifest = _unpack(archive_path, folder)
        if manifest["vendor"] != connection.vendor:
            raise BackupError(
                _("The archive holds a %(archive)s database; this portal uses %(ours)s.")
                % {"archive": manifest["vendor"], "ours": connection.vendor}
            )
        tables = database_tables(using)
        existing_files = media_files(media_root)
        safety = None
        if tables or existing_files:
            if not replace:
                raise NotEmpty(
                    _(
                        "The database %(name)s already has %(tables)d tables and the media "
                        "folder %(media)s holds %(files)d files: restoring replaces them all. "
                        "Run again with --yes to do so (what is replaced is saved first)."
                    )
                    % {
                        "name": connection.settings_dict["NAME"],
                        "tables": len(tables),
                        "media": media_root,
                        "files": len(existing_files),
                    }
                )
            safety = create_backup(using=using, prefix="pre-restore")
        (database_file,) = manifest["database"]
        try:
            _load_database(using, folder / database_file)
            files = _replace_media(folder / MEDIA, media_root)
        except (BackupError, OSError) as error:
            if safety is None:
                raise
            raise BackupError(
                _("%(error)s The state before the restore is saved in %(path)s.")
                % {"error": error, "path": safety}
            ) from error
    return Restored(
        vendor=connection.vendor,
        tables=len(database_tables(using)),
        files=files,
        safety_backup=safety,
    )
