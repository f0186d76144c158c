#!/usr/bin/env bash
# A soak anyone can run: `funcdesk serve` on a scratch data dir under mixed load for
# MINUTES (default 60), sampling the server's RSS, open file descriptors, threads,
# zombie children and database size as it goes. Fails when RSS, descriptors or threads
# keep growing after the warm-up, or when a zombie appears.
#
#   packaging/soak.sh [MINUTES]        (needs build/dev/app/funcdesk: ./packaging/dev.sh build)
#
# The load (wrk, 8 connections, each pausing 5 ms between requests) mixes synchronous
# invokes of a python3 and a node no-op, asynchronous invokes of a slow function (retried
# by Lambda's rules when they fail), a function URL, and a function that always fails.
# Everything stays on 127.0.0.1.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
minutes="${1:-60}"
binary="${FUNCDESK_BINARY:-$root/build/${PRESET:-dev}/app/funcdesk}"
[ -x "$binary" ] || { echo "soak: $binary not found; run ./packaging/dev.sh build first" >&2; exit 2; }
command -v wrk >/dev/null || { echo "soak: wrk is not installed" >&2; exit 2; }

total=$((minutes * 60))
# About a dozen samples for a short run, one a minute for a long one.
interval=$(( total / 12 )); [ "$interval" -lt 10 ] && interval=10; [ "$interval" -gt 60 ] && interval=60

work="$(mktemp -d /tmp/funcdesk-soak.XXXXXX)"
data="$work/data"
serve_pid=""
wrk_pid=""
cleanup() {
  [ -n "$wrk_pid" ] && kill "$wrk_pid" 2>/dev/null || true
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

function_dir() { # name runtime handler file code [extra manifest json]
  mkdir -p "$work/src/$1"
  printf '%s' "$5" > "$work/src/$1/$4"
  printf '{"runtime": "%s", "handler": "%s", "timeout": 10%s}\n' "$2" "$3" "${6:-}" > "$work/src/$1/function.json"
  "$binary" deploy "$work/src/$1" --data-dir "$data" >/dev/null
}
function_dir ok python3 app.handler app.py $'def handler(event, context):\n    return {"ok": True}\n' \
  ', "triggers": {"functionUrl": true}'
function_dir nodeok nodejs index.handler index.js 'exports.handler = async () => ({ ok: true });'
function_dir slow python3 app.handler app.py $'import time\ndef handler(event, context):\n    time.sleep(0.05)\n    return 1\n'
function_dir failing python3 app.handler app.py $'def handler(event, context):\n    raise RuntimeError("failing on purpose")\n'

"$binary" serve --data-dir "$data" --port 0 --json > "$work/serve.out" 2> "$work/serve.err" &
serve_pid=$!
for _ in $(seq 100); do grep -q endpoint "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
endpoint="$(sed -n 's/.*"endpoint":"\([^"]*\)".*/\1/p' "$work/serve.out")"
[ -n "$endpoint" ] || { echo "soak: the server did not start" >&2; cat "$work/serve.err" >&2; exit 1; }
token="$(cat "$data/funcdesk.token")"

cat > "$work/mix.lua" <<'LUA'
local n = 0
local auth = "Bearer " .. os.getenv("FUNCDESK_TOKEN")
request = function()
  n = n + 1
  local k = n % 5
  if k == 0 then
    return wrk.format("POST", "/2015-03-31/functions/ok/invocations", {["Authorization"] = auth}, "{}")
  elseif k == 1 then
    return wrk.format("POST", "/2015-03-31/functions/nodeok/invocations", {["Authorization"] = auth}, "{}")
  elseif k == 2 then
    return wrk.format("POST", "/2015-03-31/functions/slow/invocations",
                      {["Authorization"] = auth, ["X-Amz-Invocation-Type"] = "Event"}, "{}")
  elseif k == 3 then
    return wrk.format("POST", "/url/ok/", {["Content-Type"] = "application/json"}, '{"from": "url"}')
  else
    return wrk.format("POST", "/2015-03-31/functions/failing/invocations", {["Authorization"] = auth}, "{}")
  end
end
function delay() return 5 end
LUA
FUNCDESK_TOKEN="$token" wrk -t2 -c8 -d"${total}s" -s "$work/mix.lua" "$endpoint" > "$work/wrk.out" 2>&1 &
wrk_pid=$!

sample() { # elapsed-seconds -> one line of figures
  local rss fds threads zombies db
  rss=$(awk '/^VmRSS:/ {print int($2 / 1024)}' "/proc/$serve_pid/status")
  threads=$(awk '/^Threads:/ {print $2}' "/proc/$serve_pid/status")
  fds=$(ls "/proc/$serve_pid/fd" | wc -l)
  zombies=$(ps -o stat= --ppid "$serve_pid" | grep -c '^Z' || true)
  db=$(du -cm "$data"/funcdesk.db* 2>/dev/null | awk 'END {print $1}')
  echo "$1 $rss $fds $threads $zombies $db"
}

echo "soak: $minutes min against $endpoint, a sample every $interval s"
printf '%8s %8s %6s %8s %8s %8s\n' seconds rss_mb fds threads zombies db_mb
elapsed=0
: > "$work/samples"
while [ "$elapsed" -lt "$total" ]; do
  sleep "$interval"
  elapsed=$((elapsed + interval))
  kill -0 "$serve_pid" 2>/dev/null || { echo "soak: the server died" >&2; cat "$work/serve.err" >&2; exit 1; }
  line="$(sample "$elapsed")"
  echo "$line" >> "$work/samples"
  printf '%8s %8s %6s %8s %8s %8s\n' $line
done
wait "$wrk_pid" || true
wrk_pid=""
grep -E "Requests/sec|requests in|Non-2xx|Socket errors" "$work/wrk.out" | sed 's/^/soak: wrk: /'

# Growth after the warm-up (the first third of the samples): the largest figure of the
# last third may be at most 20 % (and a few units) above the largest of the middle third.
verdict=0
count=$(wc -l < "$work/samples")
if [ "$count" -ge 6 ]; then
  third=$((count / 3))
  for col in 2:rss_mb 3:fds 4:threads; do
    c=${col%%:*}; name=${col#*:}
    mid=$(sed -n "$((third + 1)),$((2 * third))p" "$work/samples" | awk -v c="$c" 'BEGIN {m = 0} {if ($c > m) m = $c} END {print m}')
    last=$(tail -n "$third" "$work/samples" | awk -v c="$c" 'BEGIN {m = 0} {if ($c > m) m = $c} END {print m}')
    if awk -v m="$mid" -v l="$last" 'BEGIN {exit !(l > m * 1.2 + 4)}'; then
      echo "soak: FAIL: $name kept growing: $mid -> $last" >&2
      verdict=1
    fi
  done
else
  echo "soak: too short to judge growth ($count samples)"
fi
if awk '$5 > 0 {found = 1} END {exit !found}' "$work/samples"; then
  echo "soak: FAIL: zombie processes appeared" >&2
  verdict=1
fi
[ "$verdict" -eq 0 ] && echo "soak: passed: RSS, descriptors and threads level off, no zombies"
exit "$verdict"
