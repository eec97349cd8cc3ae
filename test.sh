#!/usr/bin/env bash
# Runs every Portal test: domain, integration (real SQLite, in-process SMTP), components (bUnit) and browser
# journeys (Playwright in Debian's Chromium). On a fresh Debian/Ubuntu machine it installs Chromium first.
# Extra arguments go to `dotnet test`, e.g. ./test.sh --filter FullyQualifiedName~Browser
set -euo pipefail
cd "$(dirname "$0")"

chromium_path="${PORTAL_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium_path" ]; then
  echo "Chromium not found at $chromium_path: installing Debian's chromium package for the browser tests..."
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium
fi

rm -rf TestResults
dotnet test Portal.sln \
  --logger "trx;LogFileName=portal.trx" \
  --logger "console;verbosity=normal" \
  --results-directory TestResults \
  "$@"
