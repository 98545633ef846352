#!/usr/bin/env bash
# Fetches URL to DEST unless DEST is already there with the expected SHA-256; a download that
# does not match is removed and fails. Used by the scripts that fetch CI's tools (veraPDF,
# S3Proxy) into .ci/cache.
#
#   bash .ci/download.sh URL SHA256 DEST
set -euo pipefail
URL=$1
SHA256=$2
DEST=$3

if [ -f "$DEST" ] && echo "$SHA256  $DEST" | sha256sum --check --status; then
    exit 0
fi
mkdir -p "$(dirname "$DEST")"
curl -fsSL --retry 3 -o "$DEST.part" "$URL"
echo "$SHA256  $DEST.part" | sha256sum --check --status || {
    echo "$URL does not match its SHA-256" >&2
    rm -f "$DEST.part"
    exit 1
}
mv "$DEST.part" "$DEST"
