#!/usr/bin/env bash
# bench/run.sh: understudy side by side with nginx, in one run on one machine (bench/README.md).
#
#   bench/run.sh           the whole benchmark (make bench): builds Release into build-bench,
#                          measures every figure and writes bench/results/latest.md
#   bench/run.sh --smoke   under a minute (make test): starts every component, sends a few
#                          requests through each path, fails on errors, never on timings
#
# Environment: BUILD (build dir; default build-bench, or build for --smoke), BENCH_DURATION
# (seconds per wrk run, default 4), BENCH_ROUNDS (wrk runs per figure, whose median is
# reported; default 3), BENCH_KEEP=1 keeps the temp dir with configs and logs,
# BENCH_SKIP_BUILD=1 measures the binaries already in BUILD (e.g. to compare two builds).
# Every process it starts is stopped by PID on exit, also on failure or Ctrl-C.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
MODE=full
[ "${1:-}" = "--smoke" ] && MODE=smoke
if [ "$MODE" = smoke ]; then BUILD=${BUILD:-build}; else BUILD=${BUILD:-build-bench}; fi
[[ "$BUILD" = /* ]] || BUILD=$ROOT/$BUILD
BIN=$BUILD/understudy
PROBE=$BUILD/stream_probe
FLOOR=$BUILD/startup_floor
DURATION=${BENCH_DURATION:-4}
ROUNDS=${BENCH_ROUNDS:-3}
CONCURRENCIES=(1 10 64)
TMP=$(mktemp -d /tmp/understudy-bench.XXXXXX)
PIDS=()

log() { printf 'bench: %s\n' "$*" >&2; }
die() {
  log "FAILED: $*"
  exit 1
}

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2> /dev/null || true; done
  for _ in $(seq 50); do
    local alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2> /dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2> /dev/null || true; done
  if [ "${BENCH_KEEP:-0}" = 1 ]; then log "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- components ---------------------------------------------------------------------------

port_in_use() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }

# A loopback port nothing listens on, not handed out before in this run.
TAKEN=" "
pick_port() {
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 40000))
    if [[ "$TAKEN" != *" $p "* ]] && ! port_in_use "$p"; then
      TAKEN="$TAKEN$p "
      echo "$p"
      return
    fi
  done
  die "no free loopback port found"
}

wait_port() {  # name port pid
  for _ in $(seq 100); do
    port_in_use "$2" && return 0
    kill -0 "$3" 2> /dev/null || break
    sleep 0.05
  done
  log "$1 did not start listening on 127.0.0.1:$2; its log:"
  tail -n 20 "$TMP/$1.log" >&2 || true
  die "$1 did not start"
}

# Starts a server in the background (not in a subshell, so its PID is ours to stop).
start() {  # name port command...; sets STARTED_PID
  local name=$1 port=$2
  shift 2
  "$@" > "$TMP/$name.log" 2>&1 &
  STARTED_PID=$!
  PIDS+=("$STARTED_PID")
  wait_port "$name" "$port" "$STARTED_PID"
}

MOCK_PORT=$(pick_port)
LIMITED_PORT=$(pick_port)
NGINX_PORT=$(pick_port)
GATEWAY_PORT=$(pick_port)
PROBE_PORT=$(pick_port)
STATUS_PORT=$(pick_port)

# What OpenAI answers for gpt-4o-mini, byte for byte the same on every request.
COMPLETION='{"id":"chatcmpl-bench","object":"chat.completion","created":1767225600,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! I am doing well, thank you for asking. How can I help you today?","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":13,"completion_tokens":18,"total_tokens":31},"system_fingerprint":"fp_bench"}'
RATE_LIMITED='{"error":{"message":"Rate limit reached for gpt-4o-mini in organization org-bench on requests per min (RPM): Limit 3, Used 3, Requested 1.","type":"requests","param":null,"code":"rate_limit_exceeded"}}'
REQUEST_BODY='{"model":"MODEL","messages":[{"role":"user","content":"Hello, how are you?"}]}'

nginx_common() {  # dir
  cat << EOF
daemon off;
master_process on;
pid $1/nginx.pid;
error_log $1/error.log warn;
events { worker_connections 4096; }
EOF
}

nginx_http_common() {  # dir
  cat << EOF
  access_log off;
  client_body_temp_path $1/body;
  proxy_temp_path $1/proxy;
  fastcgi_temp_path $1/fastcgi;
  uwsgi_temp_path $1/uwsgi;
  scgi_temp_path $1/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
EOF
}

# The upstream: nginx answering from memory (one worker; see bench/README.md).
write_mock_conf() {
  local d=$TMP/nginx-mock
  mkdir -p "$d"
  {
    nginx_common "$d"
    echo "worker_processes 1;"
    echo "http {"
    nginx_http_common "$d"
    cat << EOF
  default_type application/json;
  server {
    listen 127.0.0.1:$MOCK_PORT;
    location / { return 200 '$COMPLETION'; }
  }
  server {
    listen 127.0.0.1:$LIMITED_PORT;
    location / { add_header Retry-After 0 always; return 429 '$RATE_LIMITED'; }
  }
  server {
    listen 127.0.0.1:$STATUS_PORT;
    location / { stub_status; }
  }
}
EOF
  } > "$d/nginx.conf"
}

# The reference proxy: nginx proxy_pass with upstream keep-alive, one worker per core.
write_proxy_conf() {
  local d=$TMP/nginx-proxy
  mkdir -p "$d"
  {
    nginx_common "$d"
    echo "worker_processes auto;"
    echo "http {"
    nginx_http_common "$d"
    cat << EOF
  upstream mock {
    server 127.0.0.1:$MOCK_PORT;
    keepalive 128;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    access_log $d/access.log;  # one line per request, as understudy's access log
    location / {
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
EOF
  } > "$d/nginx.conf"
}

write_gateway_conf() {
  cat > "$TMP/understudy.toml" << EOF
[server]
host = "127.0.0.1"
port = $GATEWAY_PORT
max_concurrent = 256

[providers.bench]
type = "openai"
base_url = "http://127.0.0.1:$MOCK_PORT/v1"
keys = [{ name = "bench", value = "sk-bench" }]
models = ["gpt-4o-mini"]

[providers.limited]
type = "openai"
base_url = "http://127.0.0.1:$LIMITED_PORT/v1"
keys = [{ name = "limited", value = "sk-bench" }]
models = ["gpt-4o-mini"]
max_retries = 0

[providers.probe]
type = "openai"
base_url = "http://127.0.0.1:$PROBE_PORT/v1"
keys = [{ name = "probe", value = "sk-bench" }]
models = ["gpt-4o-mini"]

[routes.fallback]
chain = ["limited/gpt-4o-mini", "bench/gpt-4o-mini"]

[ask]
model = "bench/gpt-4o-mini"
EOF
}

start_all() {
  write_mock_conf
  write_proxy_conf
  write_gateway_conf
  local nginx
  nginx=$(command -v nginx || echo /usr/sbin/nginx)
  [ -x "$nginx" ] || die "nginx is not installed (make bench-deps)"
  start nginx-mock "$MOCK_PORT" "$nginx" -p "$TMP/nginx-mock" \
    -c "$TMP/nginx-mock/nginx.conf" -e "$TMP/nginx-mock/error.log"
  start nginx-proxy "$NGINX_PORT" "$nginx" -p "$TMP/nginx-proxy" \
    -c "$TMP/nginx-proxy/nginx.conf" -e "$TMP/nginx-proxy/error.log"
  PROXY_PID=$STARTED_PID
  start understudy-serve "$GATEWAY_PORT" "$BIN" serve --config "$TMP/understudy.toml"
  GATEWAY_PID=$STARTED_PID
}

# ---- checks: every path answers, and answers right --------------------------------------------

url_of() {  # path -> URL
  case $1 in
    direct) echo "http://127.0.0.1:$MOCK_PORT/v1/chat/completions" ;;
    nginx) echo "http://127.0.0.1:$NGINX_PORT/v1/chat/completions" ;;
    *) echo "http://127.0.0.1:$GATEWAY_PORT/v1/chat/completions" ;;
  esac
}
model_of() { if [ "$1" = fallback ]; then echo fallback; else echo bench/gpt-4o-mini; fi; }

check_path() {  # path: one request, status and content checked
  local path=$1 out="$TMP/check-$1"
  local code
  code=$(curl -sS -o "$out.body" -D "$out.head" -w '%{http_code}' --max-time 10 \
    -H 'Content-Type: application/json' -H 'Authorization: Bearer sk-bench' \
    -d "${REQUEST_BODY/MODEL/$(model_of "$path")}" "$(url_of "$path")") ||
    die "$path: the request failed"
  [ "$code" = 200 ] || die "$path: HTTP $code: $(head -c 300 "$out.body")"
  grep -q '"content":"Hello! I am doing well' "$out.body" || die "$path: wrong body: $(head -c 300 "$out.body")"
  case $path in
    understudy)
      grep -qi '^x-understudy-provider: bench' "$out.head" || die "understudy: not served by bench"
      grep -q '"extra_fields"' "$out.body" || die "understudy: no extra_fields"
      ;;
    fallback)
      grep -qi '^x-understudy-fallback-index: 1' "$out.head" || die "fallback: not served by the fallback"
      grep -qi '^x-understudy-attempts: 2' "$out.head" || die "fallback: expected 2 attempts (429 then 200)"
      grep -q '"status":429' "$out.body" || die "fallback: the 429 is missing from the trail"
      ;;
  esac
  log "ok: $path answers 200 with the expected content"
}

check_all() {
  for p in direct nginx understudy fallback; do check_path "$p"; done
  local v
  v=$("$BIN" --version) || die "understudy --version failed"
  [[ "$v" == "understudy "* ]] || die "understudy --version printed: $v"
  local answer
  answer=$("$BIN" ask --config "$TMP/understudy.toml" --no-stream "Hello" 2> "$TMP/ask.err") ||
    die "ask against the mock failed: $(cat "$TMP/ask.err")"
  [[ "$answer" == "Hello! I am doing well"* ]] || die "ask printed: $answer"
  log "ok: --version and ask against the mock"
}

# ---- measurements ---------------------------------------------------------------------------

WRK_SCRIPT=$TMP/post.lua
write_wrk_script() {
  cat > "$WRK_SCRIPT" << 'EOF'
-- POST one chat completion; the model comes from BENCH_MODEL. done() prints one parseable line.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench"
wrk.body = '{"model":"' .. os.getenv("BENCH_MODEL") ..
  '","messages":[{"role":"user","content":"Hello, how are you?"}]}'

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d rps=%.0f p50_us=%d p99_us=%d max_us=%d errors=%d non2xx=%d\n",
    summary.requests, summary.requests / summary.duration * 1e6,
    latency:percentile(50), latency:percentile(99), latency.max,
    e.connect + e.read + e.write + e.timeout, e.status))
end
EOF
}

# wrk against one path; prints the RESULT line. Fails on transport errors or non-2xx answers.
run_wrk() {  # path concurrency seconds
  local threads=2
  [ "$2" -lt 2 ] && threads=1
  local out
  out=$(BENCH_MODEL=$(model_of "$1") wrk -t"$threads" -c"$2" -d"$3"s --timeout 5s \
    -s "$WRK_SCRIPT" "$(url_of "$1")") || die "wrk failed on $1: $out"
  local line
  line=$(grep '^RESULT' <<< "$out") || die "wrk printed no result for $1: $out"
  local errors non2xx
  errors=$(field errors "$line")
  non2xx=$(field non2xx "$line")
  [ "$errors" = 0 ] && [ "$non2xx" = 0 ] ||
    die "$1 at c=$2: $errors socket errors, $non2xx non-2xx answers"
  echo "$line"
}

field() { sed -n "s/.* $1=\([0-9.-]*\).*/\1/p" <<< " $2"; }

upstream_accepts() { curl -s "http://127.0.0.1:$STATUS_PORT/" | sed -n '3p' | awk '{print $1}'; }

rss_kb() { awk "/^$2:/ {print \$2}" "/proc/$1/status"; }

# Samples the gateway's VmRSS while a command runs; prints the peak in kB.
peak_rss_during() {  # pid command...
  local pid=$1 peak=0 r
  shift
  "$@" > "$TMP/peak.out" &
  local job=$!
  while kill -0 "$job" 2> /dev/null; do
    r=$(rss_kb "$pid" VmRSS)
    [ "${r:-0}" -gt "$peak" ] && peak=$r
    sleep 0.2
  done
  wait "$job" || die "the load run failed: $(cat "$TMP/peak.out")"
  echo "$peak"
}

declare -A R  # results: R[path,c,field]

# The middle value of its arguments (numbers).
median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }

# One wrk run of path p at concurrency c, its figures appended to the lists in V.
declare -A V
one_run() {  # path c
  local p=$1 c=$2 line accepts_before peak
  accepts_before=$(upstream_accepts)
  if [ "$p" = understudy ] && [ "$c" = 64 ]; then
    peak=$(peak_rss_during "$GATEWAY_PID" run_wrk "$p" "$c" "$DURATION")
    [ "$peak" -gt "${R[rss_load_peak]:-0}" ] && R[rss_load_peak]=$peak
    line=$(cat "$TMP/peak.out")
  else
    line=$(run_wrk "$p" "$c" "$DURATION")
  fi
  V[$p,$c,rps]+=" $(field rps "$line")"
  V[$p,$c,p50]+=" $(field p50_us "$line")"
  V[$p,$c,p99]+=" $(field p99_us "$line")"
  # The status request itself is one of the accepted connections.
  R[$p,$c,conns]=$((${R[$p,$c,conns]:-0} + $(upstream_accepts) - accepts_before - 1))
}

# For each concurrency, ROUNDS rounds of (direct, nginx, understudy, fallback): a change of
# background load hits every path alike, and the median of the rounds is reported.
measure_throughput() {
  local c p f round
  for p in understudy fallback; do run_wrk "$p" 10 2 > /dev/null; done  # warm the pools
  for c in "${CONCURRENCIES[@]}"; do
    for round in $(seq "$ROUNDS"); do
      for p in direct nginx understudy fallback; do one_run "$p" "$c"; done
    done
    for p in direct nginx understudy fallback; do
      # shellcheck disable=SC2086  # the lists are space-separated numbers
      for f in rps p50 p99; do R[$p,$c,$f]=$(median ${V[$p,$c,$f]}); done
      log "c=$c $p: ${R[$p,$c,rps]} rps, p50 ${R[$p,$c,p50]} us, p99 ${R[$p,$c,p99]} us" \
        "(medians of:${V[$p,$c,rps]} rps), ${R[$p,$c,conns]} new upstream connections"
    done
  done
  R[rss_load_hwm]=$(rss_kb "$GATEWAY_PID" VmHWM)
}

measure_streaming() {  # requests
  local out
  out=$("$PROBE" --upstream-port "$PROBE_PORT" --gateway-port "$GATEWAY_PORT" \
    --model probe/gpt-4o-mini --requests "$1" --chunks 20 --interval-us 1000 2> "$TMP/probe.err") ||
    die "streaming: $(cat "$TMP/probe.err") $out"
  local kind line
  for kind in direct through; do
    line=$(grep "^$kind " <<< "$out")
    R[stream,$kind,ttft50]=$(field ttft_p50_us "$line")
    R[stream,$kind,ttft99]=$(field ttft_p99_us "$line")
    R[stream,$kind,relay50]=$(field relay_p50_us "$line")
    R[stream,$kind,relay99]=$(field relay_p99_us "$line")
    R[stream,$kind,events]=$(field events "$line")
  done
  log "streaming: $(tr '\n' ' ' <<< "$out")"
}

hyperfine_mean_ms() {  # json file -> mean in ms
  sed -n 's/.*"mean": *\([0-9.e+-]*\).*/\1/p' "$1" | head -1 | awk '{printf "%.2f", $1 * 1000}'
}
hyperfine_field_ms() {  # json field
  sed -n "s/.*\"$2\": *\([0-9.e+-]*\).*/\1/p" "$1" | head -1 | awk '{printf "%.2f", $1 * 1000}'
}

# user + system CPU time of a hyperfine run, in ms (what the wall time is on an idle machine).
cpu_ms() {
  local user sys
  user=$(sed -n 's/.*"user": *\([0-9.e+-]*\).*/\1/p' "$1" | head -1)
  sys=$(sed -n 's/.*"system": *\([0-9.e+-]*\).*/\1/p' "$1" | head -1)
  awk "BEGIN { printf \"%.2f\", ($user + $sys) * 1000 }"
}

measure_startup() {  # runs
  hyperfine -N --warmup 5 --runs "$1" --export-json "$TMP/version.json" "$BIN --version" \
    > "$TMP/hyperfine-version.txt" 2>&1 || die "hyperfine --version: $(cat "$TMP/hyperfine-version.txt")"
  hyperfine -N --warmup 3 --runs "$1" --export-json "$TMP/ask.json" \
    "$BIN ask --config $TMP/understudy.toml --no-stream Hello" \
    > "$TMP/hyperfine-ask.txt" 2>&1 || die "hyperfine ask: $(cat "$TMP/hyperfine-ask.txt")"
  hyperfine -N --warmup 5 --runs "$1" --export-json "$TMP/floor.json" "$FLOOR" \
    > "$TMP/hyperfine-floor.txt" 2>&1 || die "hyperfine startup_floor: $(cat "$TMP/hyperfine-floor.txt")"
  R[floor_mean]=$(hyperfine_mean_ms "$TMP/floor.json")
  R[floor_min]=$(hyperfine_field_ms "$TMP/floor.json" min)
  R[version_cpu]=$(cpu_ms "$TMP/version.json")
  R[floor_cpu]=$(cpu_ms "$TMP/floor.json")
  R[version_median]=$(hyperfine_field_ms "$TMP/version.json" median)
  R[floor_median]=$(hyperfine_field_ms "$TMP/floor.json" median)
  R[version_mean]=$(hyperfine_mean_ms "$TMP/version.json")
  R[version_min]=$(hyperfine_field_ms "$TMP/version.json" min)
  R[ask_mean]=$(hyperfine_mean_ms "$TMP/ask.json")
  R[ask_median]=$(hyperfine_field_ms "$TMP/ask.json" median)
  R[ask_cpu]=$(cpu_ms "$TMP/ask.json")
  R[ask_min]=$(hyperfine_field_ms "$TMP/ask.json" min)
  log "startup: --version median ${R[version_median]} ms (mean ${R[version_mean]}), ask ${R[ask_mean]} ms"
}

# ---- the two modes --------------------------------------------------------------------------

build() {
  if [ "$MODE" = full ] && [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    log "building Release into $BUILD"
    cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release > /dev/null
    cmake --build "$BUILD" -j "$(nproc)" --target understudy stream_probe startup_floor > "$TMP/build.log" 2>&1 ||
      {
        tail -n 30 "$TMP/build.log" >&2
        die "the build failed"
      }
  fi
  [ -x "$BIN" ] || die "$BIN not found: build first (make build)"
  [ -x "$PROBE" ] || die "$PROBE not found: build first (make build)"
  [ -x "$FLOOR" ] || die "$FLOOR not found: build first (make build)"
  for t in wrk hyperfine curl; do command -v "$t" > /dev/null || die "$t is not installed (make bench-deps)"; done
}

smoke() {
  build
  start_all
  write_wrk_script
  check_all
  for p in direct nginx understudy fallback; do
    run_wrk "$p" 4 1 > /dev/null
    log "ok: wrk through $p, no errors and no non-2xx answers"
  done
  measure_streaming 5
  log "ok: streaming direct and through understudy: 20 events and [DONE] on every request"
  measure_startup 3
  "$BIN" simulate --quiet bench/simulate_10k.toml > "$TMP/simulate.txt" ||
    die "simulate bench/simulate_10k.toml: $(cat "$TMP/simulate.txt")"
  log "ok: simulate of 10,000 requests passed its expectations"
  log "smoke passed: every component started and every path answered correctly"
}

full() {
  local started=$SECONDS
  R[load_start]=$(cut -d' ' -f1-3 /proc/loadavg)
  build
  start_all
  write_wrk_script
  check_all
  sleep 1
  R[rss_idle]=$(rss_kb "$GATEWAY_PID" VmRSS)
  R[nginx_rss_idle]=$(nginx_rss)
  measure_throughput
  R[nginx_rss_after]=$(nginx_rss)
  measure_streaming 200
  measure_startup 50
  bench/simulate.sh "${BIN#"$ROOT"/}" > "$TMP/simulate.out" 2>&1 ||
    die "bench/simulate.sh: $(cat "$TMP/simulate.out")"
  R[simulate_ms]=$(awk -F'|' '/simulate --quiet/ { split($3, a, " "); print a[1]; exit }' \
    bench/results/simulate.md)
  R[load_end]=$(cut -d' ' -f1-3 /proc/loadavg)
  R[elapsed]=$((SECONDS - started))
  write_report > bench/results/latest.md
  log "wrote bench/results/latest.md in ${R[elapsed]} s"
}

# The proxy nginx's memory: master and workers together, in kB.
nginx_rss() {
  local total=0 pid r
  for pid in $PROXY_PID $(pgrep -P "$PROXY_PID"); do
    r=$(rss_kb "$pid" VmRSS)
    total=$((total + ${r:-0}))
  done
  echo "$total"
}

# shellcheck source=bench/report.sh
. "$ROOT/bench/report.sh"
if [ "$MODE" = smoke ]; then smoke; else full; fi
