#!/usr/bin/env bash
# Funcdesk against serverless-offline, side by side in one run, on the same machine.
#
#   tests/bench/compare/serverless-offline.sh      (needs build/dev/app/funcdesk: ./packaging/dev.sh build)
#
# What it measures: the same no-op handler (python3 `def handler(event, context): return {}`,
# node `exports.handler = async () => ({})`) invoked over Lambda's Invoke API
# (POST /2015-03-31/functions/<name>/invocations, body `{}`, keep-alive), by
#   - Funcdesk: `funcdesk serve --port 0` on a scratch data dir, recording on (the default),
#     the functions deployed with `funcdesk deploy`, the API token sent as a Bearer header;
#   - serverless-offline (13.x on serverless 3.x, installed with npm under build/compare/npm
#     when missing) on its Lambda Invoke API port (`lambdaPort`, function
#     <service>-<stage>-<fn>), with quiet logging (SLS_LOG_LEVEL=error), started afresh
#     before each of its windows and stopped after it.
# For each runtime and round: wrk at 1 connection (1 thread; p50 from `wrk --latency`) and
# at 16 connections (2 threads; requests/s), WINDOW seconds each after a short warm-up at
# the same connection count; Funcdesk and serverless-offline alternate (the order flips
# every round). A wrk Lua script counts every response that is not 2xx or whose body is
# not the handler's `{}`; any such response, or a socket error, is reported and makes the
# script exit 1 (the figures are then not comparable).
#
# Prints the table (medians over the rounds, per-round figures beside them) and writes
# build/compare/serverless-offline.json. Exit 2: setup failed (the message says what).
#
# Environment: FUNCDESK_BINARY (default build/${PRESET:-dev}/app/funcdesk),
# COMPARE_ROUNDS (default 2), COMPARE_SECONDS (window length, default 10),
# COMPARE_WARMUP_SECONDS (default 2), COMPARE_RUNTIMES (default "python node"). Everything
# listens on 127.0.0.1 only.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
binary="${FUNCDESK_BINARY:-$root/build/${PRESET:-dev}/app/funcdesk}"
rounds="${COMPARE_ROUNDS:-2}"
window="${COMPARE_SECONDS:-10}"
warmup="${COMPARE_WARMUP_SECONDS:-2}"
runtimes="${COMPARE_RUNTIMES:-python node}"
out="$root/build/compare"
cache="$out/npm"
work="$out/work"
json="$out/serverless-offline.json"

fail() { echo "compare: $*" >&2; exit 2; }

[ -x "$binary" ] || fail "$binary not found; run ./packaging/dev.sh build first (or set FUNCDESK_BINARY)"
for tool in wrk node npm python3 curl; do
  command -v "$tool" >/dev/null || fail "$tool is not installed"
done
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || fail "COMPARE_ROUNDS must be a positive number, not '$rounds'"
[[ "$window" =~ ^[1-9][0-9]*$ ]] || fail "COMPARE_SECONDS must be a positive number, not '$window'"
[[ "$warmup" =~ ^[0-9]+$ ]] || fail "COMPARE_WARMUP_SECONDS must be a number, not '$warmup'"
for runtime in $runtimes; do
  [[ "$runtime" == python || "$runtime" == node ]] || fail "COMPARE_RUNTIMES takes python and node, not '$runtime'"
done
[ -n "${runtimes// /}" ] || fail "COMPARE_RUNTIMES names no runtime"

# --- serverless and serverless-offline, installed once into the cache -----------------
mkdir -p "$cache"
if [ ! -f "$cache/node_modules/serverless/bin/serverless.js" ] \
   || [ ! -f "$cache/node_modules/serverless-offline/package.json" ]; then
  echo "compare: installing serverless@3 and serverless-offline@13 into $cache"
  printf '{ "private": true, "dependencies": { "serverless": "^3", "serverless-offline": "^13" } }\n' \
    > "$cache/package.json"
  (cd "$cache" && npm install --no-audit --no-fund --loglevel=error > install.log 2>&1) \
    || { tail -n 20 "$cache/install.log" >&2; fail "npm install failed (log: $cache/install.log)"; }
fi
version_of() { node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1])).version)' "$1"; }
sls_version="$(version_of "$cache/node_modules/serverless/package.json")" || fail "serverless is not installed in $cache"
offline_version="$(version_of "$cache/node_modules/serverless-offline/package.json")" \
  || fail "serverless-offline is not installed in $cache"

# The interpreter itself, not a version manager's shim, so both sides run the same python3.
python_exe="$(python3 -c 'import sys; print(sys.executable)')"
python_version="$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
node_version="$(node --version)"
node_major="${node_version#v}"; node_major="${node_major%%.*}"
funcdesk_version="$("$binary" --version 2>/dev/null | head -n 1 || true)"

# --- scratch: the functions, the service, the wrk script -------------------------------
rm -rf "$work"
mkdir -p "$work/logs"
data="$work/funcdesk-data"
serve_pid=""
offline_pid=""

stop_offline() {
  [ -n "$offline_pid" ] || return 0
  kill -INT "$offline_pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$offline_pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$offline_pid" 2>/dev/null; then
    pkill -KILL -P "$offline_pid" 2>/dev/null || true
    kill -KILL "$offline_pid" 2>/dev/null || true
  fi
  wait "$offline_pid" 2>/dev/null || true
  offline_pid=""
}
cleanup() {
  stop_offline
  if [ -n "$serve_pid" ]; then
    kill "$serve_pid" 2>/dev/null || true
    wait "$serve_pid" 2>/dev/null || true
  fi
  rm -rf "$data"   # the recorded invocations; the logs stay in $work/logs
}
trap cleanup EXIT

python_src=$'def handler(event, context):\n    return {}\n'
node_src='exports.handler = async () => ({})'

mkdir -p "$work/functions/noop-python" "$work/functions/noop-node" "$work/service"
printf '%s' "$python_src" > "$work/functions/noop-python/handler.py"
printf '{"runtime": "python3", "handler": "handler.handler"}\n' > "$work/functions/noop-python/function.json"
printf '%s\n' "$node_src" > "$work/functions/noop-node/handler.js"
printf '{"runtime": "nodejs", "handler": "handler.handler"}\n' > "$work/functions/noop-node/function.json"

printf '%s' "$python_src" > "$work/service/handler.py"
printf '%s\n' "$node_src" > "$work/service/handler.js"
ln -s "$cache/node_modules" "$work/service/node_modules"
cat > "$work/service/serverless.yml" <<YAML
service: compare
frameworkVersion: "3"
provider:
  name: aws
  stage: dev
  region: us-east-1
plugins:
  - serverless-offline
functions:
  python:
    handler: handler.handler
    runtime: python$python_version
  node:
    handler: handler.handler
    runtime: nodejs$node_major.x
YAML

# POST {} with the headers; counts responses that are not 2xx, or not the handler's {}.
cat > "$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = "{}"
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("COMPARE_TOKEN")
if token ~= nil and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end

local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non2xx = 0; wrongbody = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1
  elseif body ~= "{}" then wrongbody = wrongbody + 1 end
end
function done(summary, latency, requests)
  local a, b = 0, 0
  for _, t in ipairs(threads) do a = a + t:get("non2xx"); b = b + t:get("wrongbody") end
  io.write(string.format("check: non2xx=%d wrongbody=%d\n", a, b))
end
LUA

# --- Funcdesk ---------------------------------------------------------------------------
unset FUNCDESK_ENDPOINT FUNCDESK_TOKEN   # this run's engine, not one named by the caller's environment
export FUNCDESK_DATA_DIR="$data"
for fn in noop-python noop-node; do
  "$binary" deploy "$work/functions/$fn" >> "$work/logs/deploy.log" 2>&1 \
    || { cat "$work/logs/deploy.log" >&2; fail "funcdesk deploy $fn failed"; }
done
"$binary" serve --port 0 > "$work/logs/funcdesk-serve.out" 2> "$work/logs/funcdesk-serve.err" &
serve_pid=$!
for _ in $(seq 100); do
  [ -s "$data/funcdesk.endpoint" ] && [ -s "$data/funcdesk.token" ] && break
  kill -0 "$serve_pid" 2>/dev/null || break
  sleep 0.1
done
[ -s "$data/funcdesk.endpoint" ] || { cat "$work/logs/funcdesk-serve.err" >&2; fail "funcdesk serve did not start"; }
funcdesk_endpoint="$(tr -d '[:space:]' < "$data/funcdesk.endpoint")"
funcdesk_token="$(tr -d '[:space:]' < "$data/funcdesk.token")"

# One invoke, checked: 200 and the handler's {}. url [token]
invoke_ok() {
  local auth=()
  [ -n "${2:-}" ] && auth=(-H "Authorization: Bearer $2")
  local got
  got="$(curl -s -m 5 -o - -w ' %{http_code}' -X POST -H 'Content-Type: application/json' "${auth[@]}" -d '{}' "$1" 2>/dev/null)" || return 1
  [ "$got" = "{} 200" ]
}
for fn in noop-python noop-node; do
  invoke_ok "$funcdesk_endpoint/2015-03-31/functions/$fn/invocations" "$funcdesk_token" \
    || { cat "$work/logs/funcdesk-serve.err" >&2; fail "Funcdesk did not answer {} for $fn"; }
done

# --- serverless-offline ----------------------------------------------------------------
free_ports() { # n -> n free loopback ports
  python3 - "$1" <<'PY'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
PY
}
offline_starts=0
start_offline() { # fn -> sets offline_url; the invoke has answered {} once
  local fn="$1" http_port lambda_port ws_port alb_port
  read -r http_port lambda_port ws_port alb_port <<< "$(free_ports 4)"
  offline_starts=$((offline_starts + 1))
  local log="$work/logs/serverless-offline.$offline_starts"
  (cd "$work/service" && \
    PATH="$(dirname "$python_exe"):$PATH" SLS_LOG_LEVEL=error SLS_TELEMETRY_DISABLED=1 \
    SLS_NOTIFICATIONS_MODE=off SLS_DEPRECATION_DISABLE='*' \
    exec node "$cache/node_modules/serverless/bin/serverless.js" offline start --host 127.0.0.1 \
      --httpPort "$http_port" --lambdaPort "$lambda_port" --websocketPort "$ws_port" \
      --albPort "$alb_port" --noSponsor > "$log.out" 2> "$log.err") &
  offline_pid=$!
  offline_url="http://127.0.0.1:$lambda_port/2015-03-31/functions/compare-dev-$fn/invocations"
  for _ in $(seq 600); do
    invoke_ok "$offline_url" && return 0
    kill -0 "$offline_pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$log.out" "$log.err" >&2
  fail "serverless-offline did not answer {} for $fn on $offline_url"
}

# --- the windows -------------------------------------------------------------------------
results="$work/windows.tsv"
: > "$results"
bad=0

to_ms() { # wrk latency like 221.00us / 5.43ms / 1.02s -> ms
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.4f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.4f", v }
    else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.4f", v * 60000 }
    else { sub(/s$/, "", v); printf "%.4f", v * 1000 } }'
}

measure() { # server runtime connections round url token
  local server="$1" runtime="$2" conns="$3" round="$4" url="$5" token="$6"
  local threads=2; [ "$conns" -lt 2 ] && threads=1
  local log="$work/logs/wrk.$runtime.$conns.$round.$server"
  local load; load="$(cut -d' ' -f1 /proc/loadavg)"
  if [ "$warmup" -gt 0 ]; then
    COMPARE_TOKEN="$token" wrk -t"$threads" -c"$conns" -d"${warmup}s" -s "$work/post.lua" "$url" > "$log.warmup" 2>&1 || true
  fi
  COMPARE_TOKEN="$token" wrk -t"$threads" -c"$conns" -d"${window}s" --latency -s "$work/post.lua" "$url" > "$log" 2>&1 \
    || { cat "$log" >&2; fail "wrk failed against $server ($url)"; }
  local rps p50 non2xx wrongbody sockerr requests
  rps="$(awk '/^Requests\/sec:/ {print $2}' "$log")"
  p50="$(awk '$1 == "50%" {print $2; exit}' "$log")"
  requests="$(awk '/requests in/ {print $1}' "$log")"
  non2xx="$(sed -n 's/^check: non2xx=\([0-9]*\) wrongbody=.*/\1/p' "$log")"
  wrongbody="$(sed -n 's/^check: .*wrongbody=\([0-9]*\)/\1/p' "$log")"
  sockerr="$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$log")"
  [ -n "$rps" ] && [ -n "$p50" ] && [ -n "$non2xx" ] || { cat "$log" >&2; fail "could not read wrk's figures ($log)"; }
  sockerr="${sockerr:-0}"
  p50="$(to_ms "$p50")"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$runtime" "$conns" "$round" "$server" \
    "$rps" "$p50" "$requests" "$non2xx" "$wrongbody" "$sockerr" "$load" >> "$results"
  printf 'compare: %-6s %2s conn round %s %-18s %9.0f req/s  p50 %7.3f ms  (load %s)' \
    "$runtime" "$conns" "$round" "$server" "$rps" "$p50" "$load"
  if [ "$non2xx" != 0 ] || [ "$wrongbody" != 0 ] || [ "$sockerr" != 0 ]; then
    printf '  BAD: %s non-2xx, %s wrong bodies, %s socket errors' "$non2xx" "$wrongbody" "$sockerr"
    bad=1
  fi
  printf '\n'
}

run_funcdesk() { # runtime connections round
  measure funcdesk "$1" "$2" "$3" "$funcdesk_endpoint/2015-03-31/functions/noop-$1/invocations" "$funcdesk_token"
}
run_offline() { # runtime connections round
  start_offline "$1"
  measure serverless-offline "$1" "$2" "$3" "$offline_url" ""
  stop_offline
}

load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "compare: Funcdesk ($binary) against serverless-offline $offline_version (serverless $sls_version);"
echo "compare: python $python_version ($python_exe), node $node_version; $(nproc) CPUs, load $load_start"
nruntimes=$(wc -w <<< "$runtimes")
echo "compare: $rounds rounds of ${window} s windows (after ${warmup} s warm-ups); about $((rounds * nruntimes * 4 * (window + warmup + 4) / 60 + 1)) min"
for runtime in $runtimes; do
  for round in $(seq "$rounds"); do
    for conns in 1 16; do
      if [ $((round % 2)) -eq 1 ]; then
        run_funcdesk "$runtime" "$conns" "$round"; run_offline "$runtime" "$conns" "$round"
      else
        run_offline "$runtime" "$conns" "$round"; run_funcdesk "$runtime" "$conns" "$round"
      fi
    done
  done
done
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
kill -0 "$serve_pid" 2>/dev/null || fail "funcdesk serve died during the run (log: $work/logs/funcdesk-serve.err)"

# Recording was on: once the engine has stopped (and flushed), its database holds at least
# every request wrk saw answered (plus the two checks with curl; a window's last in-flight
# requests are recorded but not counted by wrk).
kill "$serve_pid" 2>/dev/null || true
wait "$serve_pid" 2>/dev/null || true
serve_pid=""
shopt -s nullglob
wrk_logs=("$work"/logs/wrk.*.funcdesk "$work"/logs/wrk.*.funcdesk.warmup)
shopt -u nullglob
answered="$(awk '/requests in/ {s += $1} END {print s + 2}' "${wrk_logs[@]}")"
recorded="$(python3 - "$data/funcdesk.db" <<'PY' 2>/dev/null || echo unknown
import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT sum(count) FROM rollups_1s").fetchone()[0] or 0)
PY
)"
echo "compare: Funcdesk answered $answered requests and recorded $recorded invocations"
if [ "$recorded" != unknown ] && [ "$recorded" -lt "$answered" ]; then
  echo "compare: Funcdesk recorded fewer invocations than it answered" >&2
  bad=1
fi

# --- the table and the JSON --------------------------------------------------------------
python3 - "$results" "$json" <<PY
import json, statistics, sys, time

rows = []
with open(sys.argv[1]) as f:
    for line in f:
        r = line.rstrip("\n").split("\t")
        rows.append({"runtime": r[0], "connections": int(r[1]), "round": int(r[2]), "server": r[3],
                     "requests_per_second": float(r[4]), "p50_ms": float(r[5]), "requests": int(r[6]),
                     "non_2xx": int(r[7]), "wrong_body": int(r[8]), "socket_errors": int(r[9]),
                     "load_1min_before": float(r[10])})

def figures(runtime, conns, server, key):
    return [r[key] for r in rows if r["runtime"] == runtime and r["connections"] == conns and r["server"] == server]

metrics = [("p50_1_connection_ms", 1, "p50_ms", "p50 at 1 connection (ms)", False),
           ("requests_per_second_16_connections", 16, "requests_per_second", "req/s at 16 connections", True)]
results = {}
table = []
measured = "$runtimes".split()
for runtime in measured:
    results[runtime] = {}
    for name, conns, key, label, higher_better in metrics:
        fd = figures(runtime, conns, "funcdesk", key)
        so = figures(runtime, conns, "serverless-offline", key)
        mfd, mso = statistics.median(fd), statistics.median(so)
        # How many times better Funcdesk is: throughput over throughput, latency under latency.
        ratio = (mfd / mso if mso else None) if higher_better else (mso / mfd if mfd else None)
        results[runtime][name] = {"funcdesk": round(mfd, 4), "serverless_offline": round(mso, 4),
                                  "ratio": round(ratio, 2) if ratio else None,
                                  "funcdesk_rounds": fd, "serverless_offline_rounds": so}
        fmt = (lambda v: "%.0f" % v) if higher_better else (lambda v: "%.3f" % v)
        table.append((runtime, label, fmt(mfd), " / ".join(fmt(v) for v in fd),
                      fmt(mso), " / ".join(fmt(v) for v in so), "%.2fx" % ratio if ratio else "-"))

report = {
    "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    "funcdesk": {"binary": "$binary", "version": "$funcdesk_version", "recording": True,
                 "requests_answered": $answered, "invocations_recorded": int("$recorded") if "$recorded".isdigit() else None},
    "serverless_offline": {"version": "$offline_version", "serverless": "$sls_version", "log_level": "error",
                           "restarted_before_each_window": True},
    "python": "$python_version", "node": "$node_version",
    "machine": {"cpus": $(nproc), "load_at_start": "$load_start", "load_at_end": "$load_end"},
    "method": {"rounds": $rounds, "window_seconds": $window, "warmup_seconds": $warmup,
               "tool": "wrk keep-alive, POST {}; 1 connection with 1 thread, 16 connections with 2 threads",
               "ratio": "Funcdesk's advantage: serverless-offline's p50 / Funcdesk's; Funcdesk's req/s / serverless-offline's"},
    "results": results,
    "windows": rows,
    "all_responses_ok": all(r["non_2xx"] == 0 and r["wrong_body"] == 0 and r["socket_errors"] == 0 for r in rows),
}
with open(sys.argv[2], "w") as f:
    json.dump(report, f, indent=2)
    f.write("\n")

head = ("runtime", "metric", "funcdesk", "(rounds)", "serverless-offline", "(rounds)", "ratio")
widths = [max(len(str(x[i])) for x in table + [head]) for i in range(len(head))]
print()
for line in [head] + table:
    print("  ".join(str(v).ljust(w) if i < 2 else str(v).rjust(w) for i, (v, w) in enumerate(zip(line, widths))))
print()
for runtime in measured:
    r = results[runtime]["requests_per_second_16_connections"]["ratio"]
    print("compare: %s: throughput at 16 connections %.2fx serverless-offline's (the goal is at least 4x)" % (runtime, r))
print("compare: load average %s at the start, %s at the end; figures in %s" % ("$load_start", "$load_end", sys.argv[2]))
PY

if [ "$bad" -ne 0 ]; then
  echo "compare: some responses were not 2xx with the handler's {}, or went unrecorded (see above and $work/logs);" \
    "the figures are not comparable" >&2
  exit 1
fi
