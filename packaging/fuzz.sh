#!/usr/bin/env bash
# The libFuzzer targets (fuzz/): installs what is missing (apt-get, only when something
# is missing), configures and builds the `fuzz` preset (clang, ASan + UBSan), then runs
# each target for a fixed time over a copy of its seed corpus (fuzz/corpus/<target>/ is
# never written to). Fails when a target finds a crash, a leak or a timeout, printing
# the reproducer's path and the stack.
#   ./packaging/fuzz.sh [seconds-per-target] [target...]     (default 30 s, every target)
# Reproduce a finding:  build/fuzz/fuzz/<target> <reproducer>
# Runs land in build/fuzz/runs/<time>/ (corpus copy, artifacts, logs).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
seconds="${1:-30}"
[ $# -gt 0 ] && shift
jobs="${JOBS:-$(nproc)}"
lock="${FUNCDESK_BUILD_LOCK:-/tmp/funcdesk-build.lock}"
export CCACHE_BASEDIR="$root"
export CCACHE_NOHASHDIR=1

all_targets=(fuzz_http fuzz_lambdawire fuzz_functionurl fuzz_manifest fuzz_schedule fuzz_zip fuzz_gittree fuzz_sqswire fuzz_envfile)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")

# Longest input per target: a few requests, a zip of a small function, ...
max_len() {
  case "$1" in
    fuzz_http) echo 16384 ;;
    fuzz_zip) echo 65536 ;;
    fuzz_functionurl) echo 8192 ;;
    fuzz_schedule) echo 256 ;;
    *) echo 4096 ;;
  esac
}

packages=(
  cmake ninja-build ccache pkg-config
  clang llvm libclang-rt-14-dev
  qt6-base-dev qt6-base-dev-tools qt6-charts-dev libqt6opengl6-dev libgl-dev
  libgit2-dev libsqlite3-dev libzip-dev libyaml-cpp-dev libhttp-parser-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "fuzz.sh: installing missing packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# One build at a time on a shared machine (the lock is free in CI).
build_start=$(date +%s)
flock "$lock" bash -c '
  [ -f build/fuzz/CMakeCache.txt ] || cmake --preset fuzz
  cmake --build --preset fuzz -j "$1"' _ "$jobs"
echo "fuzz.sh: build took $(( $(date +%s) - build_start )) s"

# Absolute paths: a target works in a scratch folder of its own (fuzz/fuzzsupport.h), and
# libFuzzer reads and extends its corpus by these paths during the run.
run="$root/build/fuzz/runs/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$run"
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:symbolize=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
command -v llvm-symbolizer >/dev/null || export ASAN_SYMBOLIZER_PATH=/usr/bin/llvm-symbolizer-14

failed=()
for t in "${targets[@]}"; do
  exe="$root/build/fuzz/fuzz/$t"
  [ -x "$exe" ] || { echo "fuzz.sh: no such target $t" >&2; exit 2; }
  mkdir -p "$run/$t/corpus" "$run/$t/artifacts" "$run/$t/tmp"
  cp -r "fuzz/corpus/$t/." "$run/$t/corpus/"
  # Wait while someone else's build holds the lock: a fuzzer takes a whole core.
  flock "$lock" true
  start=$(date +%s)
  rc=0
  TMPDIR="$run/$t/tmp" "$exe" "$run/$t/corpus" \
    -max_total_time="$seconds" -max_len="$(max_len "$t")" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$run/$t/artifacts/" -print_final_stats=1 >"$run/$t/log" 2>&1 || rc=$?
  last=$(grep -E '^#[0-9]+' "$run/$t/log" | tail -1 || true)
  printf 'fuzz.sh: %-18s %3d s  rc=%d  %s\n' "$t" "$(( $(date +%s) - start ))" "$rc" "$last"
  artifacts=$(find "$run/$t/artifacts" -type f | sort)
  if [ "$rc" -ne 0 ] || [ -n "$artifacts" ]; then
    failed+=("$t")
    echo "fuzz.sh: $t FAILED; reproducer(s):" >&2
    for a in $artifacts; do echo "  $a    (run: $exe $a)" >&2; done
    grep -n -m1 -E 'ERROR: |FUNCDESK FUZZ FINDING|runtime error|ALARM|SUMMARY' "$run/$t/log" >&2 || true
    sed -n '/==ERROR\|FUNCDESK FUZZ FINDING\|runtime error\|ALARM: working on the last Unit/,$p' "$run/$t/log" | head -80 >&2
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: findings in: ${failed[*]} (logs in $run)" >&2
  exit 1
fi
echo "fuzz.sh: no findings (${#targets[@]} targets, $seconds s each; logs in $run)"
