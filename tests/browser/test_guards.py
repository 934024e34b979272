"""The guards themselves: a request to another host and a console error are both caught."""

import pytest

pytestmark = pytest.mark.browser


def test_guards_catch_foreign_requests_and_console_errors(portal):
    portal.goto("/accounts/login/", "login")
    portal.page.evaluate(
        """() => {
            fetch('http://example.com/tracker.js').catch(() => {});
            console.error('broken widget');
            setTimeout(() => { throw new Error('uncaught'); }, 0);
        }"""
    )
    for _ in range(50):  # the error events arrive asynchronously
        if portal.blocked and len(portal.errors) >= 3:
            break
        portal.page.wait_for_timeout(100)
    assert portal.blocked == ["http://example.com/tracker.js"]
    assert any(error.startswith("broken widget") for error in portal.errors), portal.errors
    assert any("uncaught" in error for error in portal.errors), portal.errors
    with pytest.raises(AssertionError, match="requests to other hosts"):
        portal.assert_clean()
    portal.blocked.clear()
    portal.errors.clear()
    portal.assert_clean()
