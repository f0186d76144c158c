#!/usr/bin/env bash
# Renders the application icon's fixed sizes from packaging/io.funcdesk.Funcdesk.svg
# (needs rsvg-convert, Debian's librsvg2-bin). Run after changing the SVG; commit the PNGs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for size in 16 24 32 48 64 128 256 512; do
  mkdir -p "$here/${size}x${size}"
  rsvg-convert -w "$size" -h "$size" "$here/../io.funcdesk.Funcdesk.svg" -o "$here/${size}x${size}/io.funcdesk.Funcdesk.png"
done
