#!/usr/bin/env bash
# Check the Chinese catalog: every entry translated, none fuzzy, formats valid, and the
# committed django.mo compiled from the current django.po.
# The .mo is compared by content, not by mtime: a fresh clone gives both files arbitrary times.
# After editing strings: manage.py makemessages -l zh_Hans ... && manage.py compilemessages -l zh_Hans.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=locale/zh_Hans/LC_MESSAGES
stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$dir/django.po" 2>&1) || {
    echo "$stats" >&2; echo "check-translations: django.po does not compile" >&2; exit 1; }
echo "zh_Hans: $stats"
if grep -Eq "fuzzy|untranslated" <<<"$stats"; then
    echo "check-translations: translate every entry and remove the fuzzy flags" >&2
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
msgfmt -o "$tmp/fresh.mo" "$dir/django.po"
if ! cmp -s <(msgunfmt "$tmp/fresh.mo") <(msgunfmt "$dir/django.mo"); then
    echo "check-translations: django.mo is stale; run manage.py compilemessages -l zh_Hans" >&2
    exit 1
fi
