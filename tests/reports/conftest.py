import pytest


@pytest.fixture(autouse=True)
def _own_conversion_lock(monkeypatch, tmp_path):
    """Each test converts under its own lock: parallel test workers do not wait for each
    other (the server-wide lock is tested on its own in test_report_hostile)."""
    from reports import convert

    monkeypatch.setattr(convert, "LOCK_PATH", tmp_path / "libreoffice.lock")
