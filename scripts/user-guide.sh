#!/usr/bin/env bash
# Regenerate the screenshots of docs/user-guide.md from the browser tests that walk its tasks
# (tests/browser/test_user_guide.py, on the demo data): 1366×768 viewport PNGs, reduced to a
# palette, written to docs/user-guide/. Fails when a test fails, when the guide names an image
# the tests did not write, or when an image is larger than 150 KB.
# Usage: scripts/user-guide.sh [pytest arguments]   (also `make user-guide`)
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-.venv/bin/python}
images=docs/user-guide
mkdir -p "$images"
# A whole run starts afresh (no stale images); with pytest arguments (-k …) only some are redone.
(( $# )) || rm -f "$images"/*.png
USER_GUIDE_SHOTS=1 "$python" -m pytest -q -p no:cacheprovider tests/browser/test_user_guide.py "$@"

status=0
for name in $(grep -o 'user-guide/[a-z0-9-]*\.png' docs/user-guide.md | sort -u); do
    if [[ ! -f "docs/$name" ]]; then
        echo "user-guide: docs/user-guide.md shows docs/$name, which no test wrote" >&2
        status=1
    fi
done
for image in "$images"/*.png; do
    grep -q "(${image#docs/})" docs/user-guide.md ||
        echo "user-guide: $image is not shown in docs/user-guide.md" >&2
    size=$(stat -c %s "$image")
    if (( size > 150000 )); then
        echo "user-guide: $image is $((size / 1024)) KB (at most 150 KB)" >&2
        status=1
    fi
done
echo "user-guide: $(ls "$images"/*.png | wc -l) screenshots, $(du -ch "$images"/*.png | tail -1 | cut -f1) in $images/"
exit $status
