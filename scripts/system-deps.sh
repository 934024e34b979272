#!/usr/bin/env bash
# Install the Debian packages the portal needs (PDF rendering, CJK fonts, browser tests).
# Runs apt-get only as root with apt available; otherwise names what is missing.
set -euo pipefail

# postgresql-client: pg_dump and pg_restore for `manage.py backup` / `restore` on PostgreSQL.
PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-noto-cjk fonts-lxgw-wenkai
          poppler-utils chromium gettext libreoffice-writer-nogui postgresql-client)

missing=()
for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || { echo "apt-get update failed: retrying install from the current lists" >&2; }
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    echo "Missing Debian packages: ${missing[*]}" >&2
    echo "Install them as root: apt-get install ${missing[*]}" >&2
    echo "(PDF rendering needs pango and harfbuzz-subset; the PDF needs CJK fonts;" >&2
    echo " browser tests need chromium.)" >&2
    exit 1
fi
