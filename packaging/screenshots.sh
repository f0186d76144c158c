#!/usr/bin/env bash
# Regenerates packaging/screenshots/*.png (1280x800, offscreen) from the real application:
# a scratch data dir, functions created from templates, real invocations.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/packaging/dev.sh" build
cmake --build "$root/build/${PRESET:-dev}" --target funcdesk_screenshots
QT_QPA_PLATFORM=offscreen "$root/build/${PRESET:-dev}/tests/ui/funcdesk_screenshots" "$root/packaging/screenshots"
