#!/usr/bin/env bash
# Installs Debian's Chromium and ChromeDriver for the widget's browser tests (once; quick after).
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "The widget tests need Chromium and ChromeDriver (Debian: chromium chromium-driver)." >&2
  echo "Install them with your system's package manager, then run make test again." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
echo "Installing Debian's chromium and chromium-driver for the widget tests (about a minute)..."
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get install -y -q chromium chromium-driver >/dev/null; then
  $sudo apt-get update -q >/dev/null
  $sudo apt-get install -y -q chromium chromium-driver >/dev/null
fi
/usr/bin/chromium --version
