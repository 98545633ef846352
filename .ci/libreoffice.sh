#!/usr/bin/env bash
# Installs LibreOffice headless (Writer, no GUI) and fonts metric-compatible with Times New Roman
# that carry Vietnamese, from Debian's packages, when they are missing. Idempotent; needs root
# (or passwordless sudo). The PDF/A renditions of generated documents need it; without it they
# stay pending and the worker retries.
set -euo pipefail

PACKAGES=(libreoffice-writer-nogui fonts-liberation2 poppler-utils)

if command -v soffice >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "Liberation Serif" \
   && command -v pdftotext >/dev/null 2>&1; then
  echo "LibreOffice: $(soffice --version 2>/dev/null | head -n 1)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "LibreOffice is missing and this user cannot install packages (run as root)." >&2
    exit 1
  fi
fi

start=$(date +%s)
export DEBIAN_FRONTEND=noninteractive
# dpkg's lock may be held by another install on a shared machine: wait for it, bounded.
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
echo "LibreOffice installed in $(( $(date +%s) - start ))s: $(soffice --version 2>/dev/null | head -n 1)"
