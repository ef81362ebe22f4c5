#!/usr/bin/env bash
# Install everything the tests need and run the whole suite (pytest arguments pass through).
# Installs: the Python packages (.venv), Debian's Chromium for the browser tests and nginx
# for the replica test (as root), and starts the local PostgreSQL server if it is down.
# With CI set, nothing may be skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev

# Debian packages the tests drive: Chromium (browser tests), nginx (two dashboards behind
# it, tests/ui/test_replicas.py), pdftoppm and LibreOffice (render the PDF and DOCX reports
# to PNG artefacts).
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/sbin/nginx ] || need+=(nginx)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
command -v soffice >/dev/null || need+=(libreoffice-writer-nogui)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian packages for the tests: ${need[*]}…"
    apt-get update -qq
    # Chromium with its recommended fonts; the rest without extras (LibreOffice's are large).
    for pkg in "${need[@]}"; do
      extra=--no-install-recommends
      [ "$pkg" = chromium ] && extra=
      # nginx runs only as the replica test's own process, never as the system service
      # on port 80: while it installs, a policy-rc.d (unless one is there already)
      # forbids starting services, and afterwards it is off at boot.
      own_policy=
      if [ "$pkg" = nginx ] && [ ! -e /usr/sbin/policy-rc.d ]; then
        own_policy=/usr/sbin/policy-rc.d
        printf '#!/bin/sh\nexit 101\n' >"$own_policy"
        chmod 755 "$own_policy"
      fi
      status=0
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $extra "$pkg" >/dev/null || status=$?
      if [ -n "$own_policy" ]; then rm -f "$own_policy"; fi
      [ "$status" = 0 ] || exit "$status"
      if [ "$pkg" = nginx ] && command -v systemctl >/dev/null; then
        systemctl disable --quiet nginx >/dev/null 2>&1 || true
      fi
    done
  else
    echo "note: missing ${need[*]} and not root: the tests needing them skip (fail under CI)"
  fi
fi

if command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "starting the local PostgreSQL server…"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
fi

exec .venv/bin/python -m pytest "$@"
