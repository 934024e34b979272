"""Issue 10 item 14: `manage.py backup` and `manage.py restore`, on SQLite and PostgreSQL.

The reproduction: the demo data, uploaded files and their history are backed up into one
archive; the archive is restored, as an operator would (`manage.py restore` in its own
process), into a fresh database and an empty media folder; every table (row count and a hash
of its rows in primary-key order) and every media file (SHA-256) are compared through
separate connections. Then the restore refuses to overwrite without --yes, refuses damaged
archives, and with --yes replaces a changed database exactly.
"""

import contextlib
import hashlib
import io
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import django.apps
import psycopg2
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import translation

from tests.faculty.factories import ContractFactory, IdentityDocumentFactory
from tests.partners.factories import AgreementFactory

# The round trip commits its rows (pg_dump and the restoring process must see them); the
# refusals run inside the test's transaction like any other test.
transactional = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(settings.BASE_DIR)
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< >>\n%%EOF\n"
POSTGRESQL = connection.vendor == "postgresql"


# --- What is compared ---------------------------------------------------------------------


def raw_connection(target: str):
    """A plain DB-API connection (no Django type conversion) to the test database ("source")
    or to a restored one (its name or SQLite file), so both sides read values the same way."""
    params = connection.settings_dict
    if POSTGRESQL:
        name = params["NAME"] if target == "source" else target
        raw = psycopg2.connect(
            dbname=name,
            host=params["HOST"] or None,
            port=params["PORT"] or None,
            user=params["USER"] or None,
            password=params["PASSWORD"] or None,
        )
        raw.autocommit = True
        raw.cursor().execute("SET TIME ZONE 'UTC'")
        return raw
    if target == "source":  # the test database, shared in memory or a file
        return sqlite3.connect(params["NAME"], uri=params["NAME"].startswith("file:"))
    return sqlite3.connect(target)


def table_names(raw) -> list[str]:
    cursor = raw.cursor()
    if POSTGRESQL:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    else:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    return sorted(row[0] for row in cursor.fetchall())


def primary_keys() -> dict[str, str]:
    with connection.cursor() as cursor:
        return {
            table: connection.introspection.get_primary_key_column(cursor, table)
            for table in connection.introspection.table_names(cursor)
        }


def database_digest(target: str) -> dict[str, tuple[int, str]]:
    """{table: (row count, SHA-256 of its rows ordered by primary key)} for every table."""
    keys = primary_keys()
    with contextlib.closing(raw_connection(target)) as raw:
        digest = {}
        for table in table_names(raw):
            cursor = raw.cursor()
            order = f' ORDER BY "{keys[table]}"' if keys.get(table) else ""
            cursor.execute(f'SELECT * FROM "{table}"{order}')
            rows = cursor.fetchall()
            if not keys.get(table):
                rows.sort(key=repr)
            digest[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
        return digest


def media_digest(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


# --- Setup ------------------------------------------------------------------------------


def recreate_roles():
    """Transactional tests flush the database after each test, groups of the data migration
    included: create them again (as tests/browser/conftest.py does, keeping the registry's
    models modules, which sync_roles clears for a migration's registry)."""
    from foreign_affairs.roles import sync_roles

    saved = {config.label: config.models_module for config in django.apps.apps.get_app_configs()}
    try:
        sync_roles(django.apps.apps)
    finally:
        for config in django.apps.apps.get_app_configs():
            config.models_module = saved[config.label]


@pytest.fixture
def data(settings, tmp_path):
    """The demo (every app, history rows, an approval PDF) plus attachments with Chinese
    names in their records; backups go to a folder of this test."""
    settings.BACKUP_DIR = tmp_path / "backups"
    recreate_roles()
    call_command("load_demo", stdout=io.StringIO())
    for record, field in (
        (AgreementFactory(title="护理专业学生交换协议"), "signed_file"),
        (ContractFactory(), "signed_file"),
        (IdentityDocumentFactory(), "file"),
    ):
        setattr(record, field, ContentFile(PDF + record.pk.to_bytes(8, "big"), name="扫描件.pdf"))
        record.save()
    digest = database_digest("source")
    assert sum(1 for count, _ in digest.values() if count) >= 25, digest  # a real comparison
    assert len(media_digest(Path(settings.MEDIA_ROOT))) >= 4
    return digest


def backup() -> Path:
    out = io.StringIO()
    call_command("backup", stdout=out)
    (archive,) = Path(settings.BACKUP_DIR).glob("portal-*.tar.gz")
    assert str(archive) in out.getvalue()
    return archive


@pytest.fixture
def fresh_database(tmp_path):
    """A database no one has used: (DATABASE_URL, name for raw_connection)."""
    if not POSTGRESQL:
        path = tmp_path / "restored.sqlite3"
        yield f"sqlite:///{path}", str(path)
        return
    params = connection.settings_dict
    name = f"fa_restore_{os.getpid()}_{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    host = f"{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
    try:
        yield f"postgres://{auth}@{host}/{name}", name
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(*args, database_url: str, media_root: Path, backup_dir: Path):
    """Run manage.py in its own process with the production settings module, as cron does."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "foreign_affairs.settings",
        "SECRET_KEY": "backup-test-secret-key-not-for-production-0123456789",
        "DEBUG": "False",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
        "BACKUP_DIR": str(backup_dir),
        "LANGUAGE_CODE": "en",  # the messages checked below are the English msgids
    }
    return subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def files(db, settings, tmp_path):
    """A few records with files (inside the test's transaction); backups go to tmp_path."""
    settings.BACKUP_DIR = tmp_path / "backups"
    for record in (AgreementFactory(), ContractFactory()):
        record.signed_file = ContentFile(PDF, name="scan.pdf")
        record.save()


def django_digest() -> dict[str, tuple[int, str]]:
    """{table: (row count, hash of its rows by primary key)} through Django's connection, which
    sees the rows of the test's transaction."""
    digest = {}
    with connection.cursor() as cursor:
        for table, key in primary_keys().items():
            cursor.execute(f'SELECT * FROM "{table}" ORDER BY "{key}"')
            rows = cursor.fetchall()
            digest[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return digest


# --- Tests -----------------------------------------------------------------------------


@transactional
def test_a_backup_restores_every_table_and_file_exactly(data, fresh_database, tmp_path):
    archive = backup()
    assert archive.stat().st_mode & 0o777 == 0o600  # passports inside: the owner only
    with tarfile.open(archive) as opened:  # one archive: the database, the files, a manifest
        database = "database.dump" if POSTGRESQL else "database.sqlite3"
        media = {f"media/{name}" for name in media_digest(Path(settings.MEDIA_ROOT))}
        assert set(opened.getnames()) == {database, "manifest.json", *media}
    url, target = fresh_database
    restored_media = tmp_path / "restored-media"
    run = {"database_url": url, "media_root": restored_media, "backup_dir": tmp_path / "b2"}

    result = manage("restore", str(archive), **run)

    assert result.returncode == 0, result.stderr
    assert database_digest(target) == data
    assert media_digest(restored_media) == media_digest(Path(settings.MEDIA_ROOT))

    # Changed afterwards: a row gone, a stray file. Without --yes nothing is touched ...
    with contextlib.closing(raw_connection(target)) as raw:
        raw.cursor().execute("DELETE FROM partners_interaction")
        if not POSTGRESQL:
            raw.commit()
    (restored_media / "stray.txt").write_text("not in the backup")
    changed = database_digest(target)
    assert changed != data

    refused = manage("restore", str(archive), **run)

    assert refused.returncode == 1
    assert "--yes" in refused.stderr
    assert database_digest(target) == changed
    assert (restored_media / "stray.txt").exists()

    # ... with --yes the archive's state comes back exactly, and what was replaced is kept.
    replaced = manage("restore", str(archive), "--yes", **run)

    assert replaced.returncode == 0, replaced.stderr
    assert database_digest(target) == data
    assert media_digest(restored_media) == media_digest(Path(settings.MEDIA_ROOT))
    (safety,) = (tmp_path / "b2").glob("pre-restore-*.tar.gz")
    with tarfile.open(safety) as kept:
        assert "media/stray.txt" in kept.getnames()


def hand_made_archive(path: Path, *, damaged: str = "", vendor: str = "", manifest=True) -> Path:
    """An archive shaped like one of `manage.py backup` (a database member, two media files,
    a manifest of their SHA-256), made without a backup: the refusals below must happen
    before anything is restored. `damaged` names a member whose bytes no longer match."""
    database = "database.dump" if POSTGRESQL else "database.sqlite3"
    members = {
        database: b"not loaded: refused before",
        "media/agreements/2025/a.pdf": PDF,
        "media/contracts/2025/b.pdf": PDF + b"b",
    }
    sha = {name: hashlib.sha256(content).hexdigest() for name, content in members.items()}
    if damaged:
        members[damaged] += b" changed"
    if manifest:
        members["manifest.json"] = json.dumps(
            {
                "format": 1,
                "created": "2025-01-01T00:00:00+08:00",
                "vendor": vendor or connection.vendor,
                "database": {database: sha[database]},
                "media": {name: sha[name] for name in members if name.startswith("media/")},
            }
        ).encode()
    with tarfile.open(path, "w:gz") as archive:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return path


def assert_refused(files, archive: Path, message: str, *options: str) -> None:
    before, media_before = django_digest(), media_digest(Path(settings.MEDIA_ROOT))

    with pytest.raises(CommandError, match=message), translation.override("en"):
        call_command("restore", str(archive), *options)

    assert django_digest() == before
    assert media_digest(Path(settings.MEDIA_ROOT)) == media_before


def test_restore_refuses_a_database_that_is_not_empty_without_yes(files, tmp_path):
    assert_refused(files, hand_made_archive(tmp_path / "portal.tar.gz"), "--yes")


@pytest.mark.parametrize("member", ["media/contracts/2025/b.pdf", "database"])
def test_restore_refuses_a_damaged_archive_and_changes_nothing(files, tmp_path, member):
    database = "database.dump" if POSTGRESQL else "database.sqlite3"
    member = database if member == "database" else member
    archive = hand_made_archive(tmp_path / "portal.tar.gz", damaged=member)

    assert_refused(files, archive, "SHA-256", "--yes")


def test_restore_refuses_an_archive_without_manifest(files, tmp_path):
    archive = hand_made_archive(tmp_path / "portal.tar.gz", manifest=False)

    assert_refused(files, archive, "manifest", "--yes")


def test_restore_refuses_another_database_kind(files, tmp_path):
    other = "sqlite" if POSTGRESQL else "postgresql"
    archive = hand_made_archive(tmp_path / "portal.tar.gz", vendor=other)

    assert_refused(files, archive, other, "--yes")


@pytest.mark.parametrize("content", [b"not an archive at all", b""], ids=["garbage", "empty"])
def test_restore_refuses_a_file_that_is_not_a_backup(files, tmp_path, content):
    path = tmp_path / "backup.tar.gz"
    path.write_bytes(content)

    assert_refused(files, path, "not a backup archive", "--yes")


def test_an_archive_with_a_path_outside_the_folder_is_refused(files, tmp_path):
    path = tmp_path / "evil.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("../../outside.txt")
        info.size = 4
        archive.addfile(info, io.BytesIO(b"evil"))

    assert_refused(files, path, "outside.txt", "--yes")
    assert not (tmp_path.parent / "outside.txt").exists()


@pytest.mark.skipif(POSTGRESQL, reason="pg_dump reads a snapshot: no lock to wait for")
def test_a_backup_of_a_locked_sqlite_database_gives_up_with_a_message(files, monkeypatch):
    # The test's open transaction holds the in-memory database, as a long writer would.
    monkeypatch.setattr("foreign_affairs.backup.SQLITE_LOCK_WAIT_SECONDS", 1)

    with pytest.raises(CommandError, match="locked"), translation.override("en"):
        call_command("backup", stdout=io.StringIO())

    assert not list(Path(settings.BACKUP_DIR).glob("*"))  # no partial archive left


@transactional
def test_backup_keep_days_deletes_only_old_archives(files):
    folder = Path(settings.BACKUP_DIR)
    folder.mkdir(parents=True)
    old, recent, other = (
        folder / "portal-2020-01-01-000000.tar.gz",
        folder / "portal-2099-01-01-000000.tar.gz",
        folder / "notes.txt",
    )
    for path in (old, recent, other):
        path.write_text("x")
    os.utime(old, (0, 0))

    call_command("backup", "--keep-days", "30", stdout=io.StringIO())

    assert not old.exists()
    assert recent.exists() and other.exists()
    assert len(list(folder.glob("portal-*.tar.gz"))) == 2  # the recent one and the new one
