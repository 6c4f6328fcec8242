# bench/report.sh: writes bench/results/latest.md from the figures bench/run.sh collected in
# the associative array R. Sourced by run.sh (it needs R and the run's variables); not run alone.

# awk arithmetic: calc "expression" -> number with 2 decimals.
calc() { awk "BEGIN { printf \"%.2f\", $1 }"; }
# met "condition" -> met / not met
met() { if awk "BEGIN { exit !($1) }"; then echo "met"; else echo "**not met**"; fi; }
ms() { calc "$1 / 1000"; }
mb() { calc "$1 / 1024"; }

machine_section() {
  local cpu
  cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)
  cat << EOF
## Machine and method

| | |
|---|---|
| date | $(date -u '+%Y-%m-%d %H:%M UTC') |
| commit | $(git rev-parse --short HEAD 2> /dev/null || echo unknown)$(git diff --quiet -- . ':!bench/results' 2> /dev/null || echo ' (with local changes)') |
| CPU | ${cpu:-unknown}, $(nproc) cores |
| memory | $(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) |
| kernel | $(uname -sr) |
| load average | ${R[load_start]} at start, ${R[load_end]} at the end |
| tools | $(nginx -v 2>&1 | sed 's/.*: //'), $(wrk -v 2>&1 | head -1 | awk '{print "wrk " $2}'), $(hyperfine --version), $(${CXX:-c++} --version | head -1) |
| run | ${R[elapsed]} s in all (build included); each wrk figure is the median of ${ROUNDS} runs of ${DURATION} s, interleaved across the paths; wrk threads = min(2, connections) |

Every figure comes from this one run on this one machine: the upstream, nginx, understudy and
the load generator share its $(nproc) cores, so absolute numbers say little and the **ratios**
(understudy against nginx and against going direct, measured minutes apart) are what the
targets judge. The upstream is nginx answering a fixed 399-byte chat.completion from memory
(one worker), and a second server block answering 429 with \`Retry-After: 0\`; nginx proxies
with \`proxy_pass\` and upstream keep-alive (\`worker_processes auto\`, access log to a file);
understudy runs \`serve\` with an \`openai\`-type provider, so the real HttpTransport is
measured, its access log on (stderr to a file): both write one log line per request. wrk sends the same 90-byte POST everywhere (bench/README.md).
EOF
}

targets_section() {
  local us10=${R[understudy,10,rps]} ng10=${R[nginx,10,rps]} fb10=${R[fallback,10,rps]}
  local ttft_over=$((R[stream,through,ttft50] - R[stream,direct,ttft50]))
  echo "## Targets"
  echo
  echo "| figure | target | measured | |"
  echo "|---|---|---|---|"
  echo "| pass-through throughput at c=10 | ≥ 0.6× nginx | $us10 / $ng10 rps = $(calc "$us10 / $ng10")× | $(met "$us10 >= 0.6 * $ng10") |"
  local c added_us added_ng
  for c in "${CONCURRENCIES[@]}"; do
    added_us=$((R[understudy,$c,p50] - R[direct,$c,p50]))
    added_ng=$((R[nginx,$c,p50] - R[direct,$c,p50]))
    echo "| added p50 latency over direct, c=$c | ≤ 2× what nginx adds | understudy +$added_us µs, nginx +$added_ng µs = $(calc "$added_us / ($added_ng > 0 ? $added_ng : 1)")× | $(met "$added_us <= 2 * $added_ng") |"
  done
  echo "| throughput with fallback at c=10 | ≥ 0.5× pass-through | $fb10 / $us10 rps = $(calc "$fb10 / $us10")× | $(met "$fb10 >= 0.5 * $us10") |"
  echo "| streaming TTFT overhead (p50) | ≤ 1 ms | $(ms $ttft_over) ms | $(met "$ttft_over <= 1000") |"
  echo "| RSS idle | ≤ 16 MB | $(mb "${R[rss_idle]}") MB | $(met "${R[rss_idle]} <= 16384") |"
  echo "| RSS at c=64 (peak VmRSS) | ≤ 64 MB | $(mb "${R[rss_load_peak]}") MB (VmHWM after the whole run $(mb "${R[rss_load_hwm]}") MB) | $(met "${R[rss_load_peak]} <= 65536") |"
  echo "| \`simulate\` of 10,000 requests with 30 s timeouts (bench/simulate.sh's own target) | < 2 s | ${R[simulate_ms]} ms | $(met "${R[simulate_ms]:-99999} < 2000") |"
  echo "| \`understudy --version\` (median wall time of 50 runs) | ≤ 5 ms | ${R[version_median]} ms (mean ${R[version_mean]} ms, CPU ${R[version_cpu]} ms; an empty program with the same libraries: median ${R[floor_median]} ms, CPU ${R[floor_cpu]} ms) | $(met "${R[version_median]} <= 5") |"
}

throughput_section() {
  cat << EOF
## Throughput and latency (wrk, non-streaming POST /v1/chat/completions)

Each figure is the median of ${ROUNDS} runs of ${DURATION} s. "new upstream connections": the
connections the upstream accepted during those runs (nginx stub_status), a check that the
proxies reuse their upstream connections.

| c | path | rps | p50 ms | p99 ms | rps / nginx | rps / direct | new upstream connections |
|---|---|---:|---:|---:|---:|---:|---:|
EOF
  local c p
  for c in "${CONCURRENCIES[@]}"; do
    for p in direct nginx understudy fallback; do
      echo "| $c | $p | ${R[$p,$c,rps]} | $(ms "${R[$p,$c,p50]}") | $(ms "${R[$p,$c,p99]}") |" \
        "$(calc "${R[$p,$c,rps]} / ${R[nginx,$c,rps]}") | $(calc "${R[$p,$c,rps]} / ${R[direct,$c,rps]}") |" \
        "${R[$p,$c,conns]} |"
    done
  done
  cat << 'EOF'

Paths: **direct** = wrk → upstream; **nginx** = wrk → nginx → upstream; **understudy** = wrk →
understudy → upstream (`bench/gpt-4o-mini`); **fallback** = wrk → understudy → a primary that
answers 429 (no retries, `Retry-After: 0`, so every request really tries it) → the fallback.
EOF
}

streaming_section() {
  cat << EOF
## Streaming (bench/stream_probe.cc, 200 requests per path after 5 warm-up requests, c=1)

Each request streams 20 content events 1 ms apart; each event carries its send time, so the
client measures exactly when each arrived. TTFT: request written → first content event.
Relay delay: an event's send time at the upstream → its arrival at the client.

| path | TTFT p50 ms | TTFT p99 ms | relay delay p50 ms | relay delay p99 ms | events |
|---|---:|---:|---:|---:|---:|
| direct | $(ms "${R[stream,direct,ttft50]}") | $(ms "${R[stream,direct,ttft99]}") | $(ms "${R[stream,direct,relay50]}") | $(ms "${R[stream,direct,relay99]}") | ${R[stream,direct,events]} |
| through understudy | $(ms "${R[stream,through,ttft50]}") | $(ms "${R[stream,through,ttft99]}") | $(ms "${R[stream,through,relay50]}") | $(ms "${R[stream,through,relay99]}") | ${R[stream,through,events]} |
| understudy adds | $(ms $((R[stream,through,ttft50] - R[stream,direct,ttft50]))) | $(ms $((R[stream,through,ttft99] - R[stream,direct,ttft99]))) | $(ms $((R[stream,through,relay50] - R[stream,direct,relay50]))) | $(ms $((R[stream,through,relay99] - R[stream,direct,relay99]))) | |
EOF
}

memory_startup_section() {
  cat << EOF
## Memory (/proc/PID/status)

| process | idle (VmRSS after start and one request per path) | under load |
|---|---:|---:|
| understudy serve | $(mb "${R[rss_idle]}") MB | $(mb "${R[rss_load_peak]}") MB peak VmRSS during the c=64 run; VmHWM $(mb "${R[rss_load_hwm]}") MB |
| nginx proxy, master + workers | $(mb "${R[nginx_rss_idle]}") MB | $(mb "${R[nginx_rss_after]}") MB after the runs |

## Startup (hyperfine -N)

| command | median ms | mean ms | min ms | CPU ms (user + system) |
|---|---:|---:|---:|---:|
| \`understudy --version\` | ${R[version_median]} | ${R[version_mean]} | ${R[version_min]} | ${R[version_cpu]} |
| startup floor: an empty \`main()\` linked to libcpp-httplib and OpenSSL (bench/empty_main.cc) | ${R[floor_median]} | ${R[floor_mean]} | ${R[floor_min]} | ${R[floor_cpu]} |
| \`understudy ask --no-stream Hello\` against the local upstream | ${R[ask_median]} | ${R[ask_mean]} | ${R[ask_min]} | ${R[ask_cpu]} |

EOF
}

simulate_section() {
  echo "## simulate: 10,000 requests with 30 s timeouts (bench/simulate.sh)"
  echo
  # simulate.md's own heading is replaced by the one above.
  sed '1,2d' bench/results/simulate.md
}

write_report() {
  echo "# understudy benchmark: side by side with nginx"
  echo
  echo "Written by \`make bench\` (bench/run.sh); what each figure means and the profile: bench/README.md."
  echo
  targets_section
  echo
  throughput_section
  echo
  streaming_section
  echo
  memory_startup_section
  simulate_section
  echo
  machine_section
}
