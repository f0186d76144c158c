#!/usr/bin/env bash
# The desktop entry and the AppStream metainfo that packages install, checked by the
# validators desktops and software centres use (installed here when missing).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

missing=()
command -v desktop-file-validate >/dev/null || missing+=(desktop-file-utils)
command -v appstreamcli >/dev/null || missing+=(appstream)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

desktop-file-validate io.funcdesk.Funcdesk.desktop
appstreamcli validate --no-net io.funcdesk.Funcdesk.metainfo.xml
echo "check-metadata: the desktop entry and the AppStream metainfo are valid"
