#!/usr/bin/env bash
# The README's commands. On a fresh Debian 12 machine each installs what is missing
# (apt-get, only when something is missing), configures, builds, then:
#   ./packaging/dev.sh run     opens Funcdesk (GUI, embedded engine, default data dir)
#   ./packaging/dev.sh test    runs the whole test suite with ctest
#   ./packaging/dev.sh bench   runs the benchmarks, writes build/<preset>/bench-results.json
#   ./packaging/dev.sh build   only builds
#   ./packaging/dev.sh configure  only installs what is missing and configures (the fresh-root check)
#   ./packaging/dev.sh package    a release build and its .deb (build/release/funcdesk_<version>_amd64.deb)
# PRESET=asan|dev|release selects the CMake preset (default dev). Extra arguments after
# `run` go to funcdesk, after `test` to ctest.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
preset="${PRESET:-dev}"
jobs="${JOBS:-$(nproc)}"
# Cache hits across checkouts (CI builds a fresh clone): paths relative to the root.
export CCACHE_BASEDIR="$root"
export CCACHE_NOHASHDIR=1

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  qt6-base-dev qt6-base-dev-tools qt6-charts-dev libqt6opengl6-dev libgl-dev
  qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  libgit2-dev libsqlite3-dev libqscintilla2-qt6-dev libzip-dev libyaml-cpp-dev libhttp-parser-dev
  python3 python3-boto3 nodejs npm bubblewrap curl wrk xvfb xauth
)

install_missing() {
  local missing=()
  for p in "${packages[@]}"; do
    # npm comes with some nodejs builds (NodeSource's), whose package conflicts with Debian's npm.
    [ "$p" = npm ] && command -v npm >/dev/null && continue
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "dev.sh: installing missing packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

configure() {
  if [ ! -f "build/$preset/CMakeCache.txt" ]; then
    cmake --preset "$preset"
  fi
}

configure_and_build() {
  configure
  cmake --build --preset "$preset" -j "$jobs"
}

cmd="${1:-run}"
[ $# -gt 0 ] && shift
case "$cmd" in
  run)
    install_missing
    configure_and_build
    exec "build/$preset/app/funcdesk" "$@"
    ;;
  test)
    install_missing
    configure_and_build
    # The preset's test settings apply (timeouts; for asan, ASAN/UBSAN_OPTIONS: leak
    # detection is off because Qt's own per-thread caches (PCRE2 JIT, QtCharts) are
    # reported as leaks when threads end).
    exec ctest --preset "$preset" --output-on-failure -j "$jobs" "$@"
    ;;
  bench)
    install_missing
    preset=dev
    configure_and_build
    exec "build/$preset/tests/bench/funcdesk_bench" --out "build/$preset/bench-results.json" "$@"
    ;;
  build)
    install_missing
    configure_and_build
    ;;
  configure)
    install_missing
    configure
    ;;
  package)
    install_missing
    preset=release
    configure_and_build
    (cd build/release && cpack --config CPackConfig.cmake -G DEB)
    ;;
  *)
    echo "usage: $0 run|test|bench|build|configure|package [args...]" >&2
    exit 2
    ;;
esac
