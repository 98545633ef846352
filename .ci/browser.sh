#!/usr/bin/env bash
# Install Debian's Chromium and its ChromeDriver for the browser suite (tests/browser), if missing.
# Idempotent; needs root (CI runs as root). Prints nothing on stdout.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "chromium and chromium-driver are missing; install them (apt-get install chromium chromium-driver)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq chromium chromium-driver >&2
