# shellcheck shell=bash disable=SC2034,SC2207
# Shared by run.sh and run-anthropic.sh (sourced, not run). Expects HERE (this directory) and
# BUILD (an absolute build dir) to be set; defines the helpers below and, through
# bench_init, the globals BIN MOCK LOADGEN LLMGW DUR WARM CONNS NICE PIN_CLIENT PIN_SERVER PINNED
# TMP RESULTS PIDS LG_PID CLK_TCK.

bench_init() {
  BIN=$BUILD/bin
  MOCK=$BIN/bench_mock_upstream
  LOADGEN=$BIN/bench_loadgen
  LLMGW=$BIN/llmgw
  DUR=${BENCH_DURATION:-6}   # per open-loop point
  WARM=${BENCH_WARMUP:-1}
  CONNS=${BENCH_CONNS:-64}
  CLK_TCK=$(getconf CLK_TCK)
  local f
  for f in "$MOCK" "$LOADGEN"; do
    [[ -x $f ]] || { echo "$(basename "$0"): missing $f (build with -DLLMGW_BUILD_BENCH=ON)" >&2; exit 2; }
  done
  command -v curl >/dev/null || { echo "$(basename "$0"): curl not found" >&2; exit 2; }
}

# Client side (loadgen + mock) on core 0, proxies on core 1. On a shared machine a raised priority
# keeps other people's builds from skewing the figures (root only; BENCH_NICE=0 disables it).
# With sched_autogroup, nice only ranks tasks inside one session, so the script first moves
# itself into a new session and raises that session's weight (undone when the session ends).
# bench_priority SCRIPT ARGS...: may re-run SCRIPT in a new session and exit with its status.
bench_priority() {
  local script=$1 child rc
  shift
  NICE=${BENCH_NICE:--15}
  if [[ $NICE != 0 && -z ${BENCH_IN_SESSION:-} && -w /proc/$$/autogroup ]] && command -v setsid >/dev/null &&
     [[ $(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null) == 1 ]]; then
    BENCH_IN_SESSION=1 setsid bash "$script" "$@" &
    child=$!
    trap 'kill -TERM "$child" 2>/dev/null' INT TERM
    while :; do
      wait "$child"; rc=$?
      kill -0 "$child" 2>/dev/null || exit "$rc"
    done
  fi
  if [[ -n ${BENCH_IN_SESSION:-} ]]; then
    echo "$NICE" >"/proc/$$/autogroup" 2>/dev/null || echo "$(basename "$script"): could not raise the session priority" >&2
  fi
  PIN_CLIENT=(); PIN_SERVER=()
  if [[ $NICE != 0 ]] && nice -n "$NICE" true 2>/dev/null && [[ $(nice -n "$NICE" nice 2>/dev/null) -lt 0 || $NICE -gt 0 ]]; then
    PIN_CLIENT=(nice -n "$NICE"); PIN_SERVER=(nice -n "$NICE")
  else
    NICE=0
  fi
  if [[ $(nproc) -ge 2 ]] && command -v taskset >/dev/null; then
    PIN_CLIENT+=(taskset -c 0); PIN_SERVER+=(taskset -c 1); PINNED=1
  else
    PINNED=0
    echo "$(basename "$script"): fewer than 2 cores or no taskset: running unpinned" >&2
  fi
}

# Temp dir, result file and the cleanup of everything started (PIDS, LG_PID) on exit.
bench_tmp() {
  TMP=$(mktemp -d /tmp/llmgw-bench.XXXXXX)
  chmod 755 "$TMP"  # nginx workers may run as another user
  RESULTS=$TMP/results.txt
  : >"$RESULTS"
  PIDS=()
  LG_PID=""
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}
bench_cleanup() {
  local p i
  [[ -n $LG_PID ]] && PIDS+=("$LG_PID")
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for i in $(seq 30); do
    local alive=0
    for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
  wait 2>/dev/null
  if [[ ${BENCH_KEEP:-0} == 1 ]]; then echo "$(basename "$0"): kept $TMP" >&2; else rm -rf "$TMP"; fi
}

# wait_for CMD...: retry for ~10 s (50 x 0.2 s); gives up at once when CMD returns 2.
wait_for() {  # up to BENCH_START_WAIT_S (10) seconds: a loaded machine starts valgrind slowly
  local i rc
  for i in $(seq $((${BENCH_START_WAIT_S:-10} * 5))); do
    "$@"; rc=$?
    ((rc == 0)) && return 0
    ((rc == 2)) && return 1
    sleep 0.2
  done
  return 1
}
http_code() { curl -s -o /dev/null -m 2 -w '%{http_code}' "$@"; }

# Sum of utime+stime clock ticks of the given pids.
cpu_ticks() {
  local p line rest total=0
  for p in "$@"; do
    read -r line 2>/dev/null <"/proc/$p/stat" || continue
    rest=${line##*) }
    read -r -a f <<<"$rest"
    total=$((total + f[11] + f[12]))
  done
  echo "$total"
}
children_of() {
  local s line rest
  for s in /proc/[0-9]*/stat; do
    read -r line 2>/dev/null <"$s" || continue
    rest=${line##*) }
    read -r -a f <<<"$rest"
    [[ ${f[1]} == "$1" ]] && { s=${s#/proc/}; echo "${s%/stat}"; }
  done
}
# "busy total" ticks of core 0 and core 1 from /proc/stat (busy = user+nice+system+steal),
# or of the whole machine twice when unpinned.
host_ticks() {
  local want='$1=="cpu0"||$1=="cpu1"'
  ((PINNED)) || want='$1=="cpu"'
  awk "$want"'{ b = $2 + $3 + $4 + $9; t = 0; for (i = 2; i <= NF; i++) t += $i;
                printf "%d %d ", b, t; if (n++ == 0 && $1 == "cpu") printf "%d %d ", b, t }' /proc/stat
}
# "RUN WAIT" ns summed over all threads of the given pids (/proc/PID/task/*/schedstat):
# time spent running on a CPU, and time spent runnable but waiting for one.
sched_ns() {
  local p t a b run=0 wait=0
  for p in "$@"; do
    for t in /proc/"$p"/task/*/schedstat; do
      read -r a b _ 2>/dev/null <"$t" && { run=$((run + a)); wait=$((wait + b)); }
    done
  done
  echo "$run $wait"
}
status_kb() { awk -v k="$2:" '$1==k{print $2}' "/proc/$1/status" 2>/dev/null; }

# start_mock [MOCK-ARGS...]: starts the mock on the client core: MOCK_PID, MOCK_PORT, MOCK_URL.
start_mock() {
  : >"$TMP/mock.out"
  "${PIN_CLIENT[@]}" "$MOCK" 0 "$@" >"$TMP/mock.out" 2>"$TMP/mock.err" &
  MOCK_PID=$!
  PIDS+=("$MOCK_PID")
  wait_for grep -qs '^listening on' "$TMP/mock.out" || { echo "$(basename "$0"): mock did not start" >&2; exit 1; }
  MOCK_PORT=$(awk '/^listening on/{print $3; exit}' "$TMP/mock.out")
  MOCK_URL=http://127.0.0.1:$MOCK_PORT
}

# start_llmgw: runs $LLMGW on the server core with $TMP/llmgw.yaml on $LLMGW_PORT and waits for
# its readiness: LLMGW_PID, LLMGW_URL. Returns 1 (the reason is in $TMP/llmgw.err / .out) when it
# exits or does not become ready.
start_llmgw() {
  # LLMGW_PRELOAD: a library to preload into the gateway only (an allocator to compare).
  "${PIN_SERVER[@]}" env ${LLMGW_PRELOAD:+LD_PRELOAD=$LLMGW_PRELOAD} "$LLMGW" --config "$TMP/llmgw.yaml" \
    --host 127.0.0.1 --port "$LLMGW_PORT" \
    --log-level warn >"$TMP/llmgw.out" 2>"$TMP/llmgw.err" &
  LLMGW_PID=$!
  PIDS+=("$LLMGW_PID")
  LLMGW_URL=http://127.0.0.1:$LLMGW_PORT
  llmgw_ready() { kill -0 "$LLMGW_PID" 2>/dev/null || return 2; [[ $(http_code "$LLMGW_URL/health/readiness") == 200 ]]; }
  wait_for llmgw_ready
}

# measure_url TARGET SCEN DURATION URL "PIDS" LOADGEN-ARGS...: one loadgen run against URL (full
# URL, path included); appends "<RESULT fields> target=... scen=... cpu_us=... runq_milli=..." to
# RESULTS, where cpu_us / runq_milli are those of PIDS (one word, space-separated; may be empty).
# Returns 1 when the loadgen printed no RESULT.
measure_url() {
  local target=$1 scen=$2 dur=$3 url=$4 line w0 w1 ns0 ns1
  local -a watched
  read -r -a watched <<<"$5"
  shift 5
  w0=($(sched_ns "${watched[@]}"))
  ns0=$(date +%s%N)
  # In the background + wait, so that a signal interrupts the run at once.
  "${PIN_CLIENT[@]}" "$LOADGEN" --url "$url" --conns "$CONNS" --duration "$dur" \
    --warmup "$WARM" --name "$target/$scen" "$@" >"$TMP/loadgen.out" 2>>"$TMP/loadgen.err" &
  LG_PID=$!
  wait "$LG_PID"
  LG_PID=""
  line=$(grep '^RESULT' "$TMP/loadgen.out")
  ns1=$(date +%s%N)
  w1=($(sched_ns "${watched[@]}"))
  [[ -n $line ]] || { echo "  $target/$scen: loadgen failed" >&2; return 1; }
  # cpu_us: proxy CPU time over the whole loadgen run (incl. warmup, matches total_done);
  # runq_milli: average number of proxy threads runnable but waiting for the core, x1000.
  echo "$line target=$target scen=$scen cpu_us=$(( (w1[0] - w0[0]) / 1000 ))" \
    "runq_milli=$(( (w1[1] - w0[1]) * 1000 / (ns1 - ns0) ))" >>"$RESULTS"
  echo "  $(tail -n 1 "$TMP/loadgen.err")" >&2
}

# resolve_build NAME ARG: sets BUILD to the absolute build dir ARG (default "build"; relative to
# the repo when not found here), or exits 2 naming the script NAME.
resolve_build() {
  local repo
  repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  BUILD=${2:-build}
  [[ -d $BUILD ]] || BUILD=$repo/$BUILD
  [[ -d $BUILD ]] || { echo "$1: build dir '${2:-build}' not found" >&2; exit 2; }
  BUILD=$(cd "$BUILD" && pwd)
}

# write_bench_config FILE [SERVER]: llmgw's config for the benchmarks: one "bench" alias on the
# mock ($MOCK_URL) through provider-openai, no master key; SERVER is the server: section as a
# YAML flow mapping (default {max_threads: 128, max_queued: 1024}).
write_bench_config() {
  local server=${2:-}
  [[ -n $server ]] || server="{max_threads: 128, max_queued: 1024}"
  cat >"$1" <<EOF
server: $server
plugins:
  dirs: [$BUILD/lib/llmgw/plugins]
  load: [provider-openai]
model_list:
  - model_name: bench
    litellm_params:
      model: openai/bench
      api_base: $MOCK_URL/v1
      api_key: sk-bench
EOF
}

# write_dialects_config FILE: llmgw's config with two aliases on the mock ($MOCK_URL): `claude`
# through provider-anthropic (/v1/messages), `gpt` through provider-openai (/v1/chat/completions)
# — run-anthropic.sh's and pgo-train.sh's (passthrough and translation both ways).
write_dialects_config() {
  cat >"$1" <<EOF
server: {max_threads: 128, max_queued: 1024}
plugins:
  dirs: [$BUILD/lib/llmgw/plugins]
  load: [provider-openai, provider-anthropic]
model_list:
  - model_name: claude
    litellm_params:
      model: anthropic/claude-sonnet-4-5
      api_base: $MOCK_URL
      api_key: sk-ant-bench
  - model_name: gpt
    litellm_params:
      model: openai/gpt-4o
      api_base: $MOCK_URL/v1
      api_key: sk-bench
EOF
}

# add_governance_config FILE [REDIS_TIMEOUT_MS]: turns write_bench_config's FILE into
# governance.sh's governed gateway: the deployment priced, a master key ($MASTER), a SQLite
# database and ledger spool in $TMP, and (unless GOV_REDIS=0) Redis for the limits and budgets:
# $REDIS_PORT on 127.0.0.1, or $TMP/redis.sock with GOV_REDIS_UNIX=1.
add_governance_config() {
  sed -i 's|      api_key: sk-bench|      api_key: sk-bench\n      input_cost_per_token: 0.000001\n      output_cost_per_token: 0.000002|' "$1"
  cat >>"$1" <<EOF
general_settings:
  master_key: $MASTER
  database_url: sqlite://$TMP/governance.db
  ledger_spool_path: $TMP/ledger.spool
EOF
  [[ -n ${2:-} ]] && printf '  rate_limit_redis_timeout_ms: %s\n' "$2" >>"$1"
  [[ -n ${GOV_LEASE_CALLS:-} ]] && printf '  admission_lease_calls: %s\n' "$GOV_LEASE_CALLS" >>"$1"
  [[ ${GOV_REDIS:-1} == 1 ]] || return 0
  if [[ ${GOV_REDIS_UNIX:-0} == 1 ]]; then
    printf 'router_settings:\n  redis_url: unix://%s\n' "$TMP/redis.sock" >>"$1"
  else
    printf 'router_settings:\n  redis_host: 127.0.0.1\n  redis_port: %s\n' "$REDIS_PORT" >>"$1"
  fi
}

# start_nginx [WORKER_CONNECTIONS [KEEPALIVE_TIMEOUT]]: nginx with one worker on the server core,
# proxy_pass to the mock ($MOCK_PORT) with upstream keep-alive and proxy_buffering off (the
# baseline every benchmark compares llmgw with); waits until GET /health answers through it.
# Sets NGINX_PORT, NGINX_PID, NGINX_URL and NGINX_PIDS (master + worker). WORKER_CONNECTIONS
# (default 4096) above 4096 also raises the worker's fd limit (worker_rlimit_nofile: `ulimit -Hn`);
# KEEPALIVE_TIMEOUT: the client keep-alive idle timeout (default 75s, nginx's own).
# NGINX_EXTRA (environment): main-context directives added to the config; NGINX_WRAP: a command
# nginx runs under (profile.sh: `master_process off;` under strace or valgrind).
start_nginx() {
  local conns=${1:-4096} ka=${2:-75s} nginx rlimit=""
  nginx=$(command -v nginx || echo /usr/sbin/nginx)
  [[ -x $nginx ]] || { echo "$(basename "$0"): nginx not found (apt-get install nginx-light)" >&2; exit 2; }
  ((conns > 4096)) && rlimit="worker_rlimit_nofile $(ulimit -Hn);"
  NGINX_PORT=$("$LOADGEN" --pick-port)
  mkdir -p "$TMP/nginx"
  cat >"$TMP/nginx/nginx.conf" <<EOF
worker_processes 1;
${NGINX_EXTRA:-}
$rlimit
daemon off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections $conns; }
http {
  access_log off;
  client_body_temp_path $TMP/nginx/client_body;
  proxy_temp_path $TMP/nginx/proxy;
  fastcgi_temp_path $TMP/nginx/fastcgi;
  uwsgi_temp_path $TMP/nginx/uwsgi;
  scgi_temp_path $TMP/nginx/scgi;
  keepalive_requests 1000000;
  keepalive_timeout $ka;
  upstream mock {
    server 127.0.0.1:$MOCK_PORT;
    keepalive 128;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT backlog=4096;
    location / {
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
EOF
  "${PIN_SERVER[@]}" ${NGINX_WRAP:-} "$nginx" -p "$TMP/nginx" -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" \
    >"$TMP/nginx/stdout" 2>&1 &
  NGINX_PID=$!
  PIDS+=("$NGINX_PID")
  NGINX_URL=http://127.0.0.1:$NGINX_PORT
  nginx_ready() { kill -0 "$NGINX_PID" 2>/dev/null || return 2; [[ $(http_code "$NGINX_URL/health") == 200 ]]; }
  wait_for nginx_ready || { echo "$(basename "$0"): nginx did not start:" >&2; cat "$TMP/nginx/error.log" >&2; exit 1; }
  NGINX_PIDS=("$NGINX_PID" $(children_of "$NGINX_PID"))
}

# rss_threads PID...: "RSS_KB THREADS" summed over the pids (/proc/PID/status; bash only).
rss_threads() {
  local p k v rss=0 thr=0
  for p in "$@"; do
    while read -r k v _; do
      case $k in VmRSS:) rss=$((rss + v)) ;; Threads:) thr=$((thr + v)) ;; esac
    done 2>/dev/null <"/proc/$p/status"
  done
  echo "$rss $thr"
}
# start_sampler FILE PID...: appends "RSS_KB THREADS" (rss_threads) of the pids to FILE every
# 0.2 s, on the client core, until stop_sampler. peak_of FILE: "PEAK_RSS_KB THREADS_THEN
# MAX_THREADS" (the sample with the highest RSS, and the highest thread count of any sample).
start_sampler() {
  local out=$1
  shift
  : >"$out"
  (while :; do rss_threads "$@" >>"$out"; sleep 0.2; done) &
  SAMPLER_PID=$!
  PIDS+=("$SAMPLER_PID")
  ((PINNED)) && taskset -pc 0 "$SAMPLER_PID" >/dev/null 2>&1
  return 0
}
stop_sampler() {
  kill "$SAMPLER_PID" 2>/dev/null
  wait "$SAMPLER_PID" 2>/dev/null
  return 0
}
peak_of() { awk '$1 > r { r = $1; t = $2 } $2 > m { m = $2 } END { printf "%d %d %d\n", r, t, m }' "$1"; }

# measure_mode MODE SCRIPT: the calling script's own `measure TARGET URL "PIDS"` for one of its
# BENCH_MODES (direct, nginx, llmgw); llmgw only while LLMGW_OK, which turns 0 (LLMGW_WHY says why)
# when the gateway exited during the run. Returns 1 for a mode not measured.
measure_mode() {
  case $1 in
    direct) measure direct "$MOCK_URL" "$MOCK_PID" ;;
    nginx) measure nginx "$NGINX_URL" "${NGINX_PIDS[*]}" ;;
    llmgw)
      ((LLMGW_OK)) || return 1
      measure llmgw "$LLMGW_URL" "$LLMGW_PID"
      kill -0 "$LLMGW_PID" 2>/dev/null ||
        { LLMGW_OK=0; LLMGW_WHY="exited during the run: $(tail -n 3 "$TMP/llmgw.err" | tr '\n' ' ')"; } ;;
    *) echo "$2: unknown mode '$1' in BENCH_MODES" >&2; return 1 ;;
  esac
  return 0
}

# llmgw_up [SERVER]: llmgw on the server core with write_bench_config's config (SERVER: its
# server: section) on a free port, checked with one chat completion. Sets LLMGW_OK (1 when it
# answered 200), LLMGW_WHY (why not), LLMGW_PORT, LLMGW_PID and LLMGW_URL.
llmgw_up() {
  LLMGW_OK=0 LLMGW_WHY="" LLMGW_PID=""
  if [[ ! -x $LLMGW ]]; then
    LLMGW_WHY="$LLMGW not built"
    return 0
  fi
  LLMGW_PORT=$("$LOADGEN" --pick-port)
  write_bench_config "$TMP/llmgw.yaml" "${1:-}"
  if ! start_llmgw; then
    LLMGW_WHY="did not become ready: $(tail -q -n 3 "$TMP/llmgw.err" "$TMP/llmgw.out" 2>/dev/null | tr '\n' ' ')"
  elif [[ $(http_code -X POST -H 'Content-Type: application/json' -H 'Authorization: Bearer sk-bench' \
            -d '{"model":"bench","messages":[{"role":"user","content":"hi"}]}' "$LLMGW_URL/v1/chat/completions") != 200 ]]; then
    LLMGW_WHY="POST /v1/chat/completions did not answer 200"
  else
    LLMGW_OK=1
  fi
  return 0
}

# tcp_counters: "retrans timeouts listen_overflows listen_drops" of the whole host since boot
# (nstat -asz: absolute, the history file untouched; zeros without nstat). On 127.0.0.1 a
# retransmission is a dropped segment: an accept queue that overflowed drops the handshake's last
# ACK, and the client's request then waits one retransmission timeout (200 ms or more).
tcp_counters() {
  command -v nstat >/dev/null || { echo "0 0 0 0"; return; }
  nstat -asz 2>/dev/null | awk '$1 == "TcpRetransSegs" { r = $2 } $1 == "TcpExtTCPTimeouts" { t = $2 }
    $1 == "TcpExtListenOverflows" { o = $2 } $1 == "TcpExtListenDrops" { d = $2 }
    END { printf "%d %d %d %d", r, t, o, d }'
}

# measure_client TARGET "PIDS" CLIENT-ARGS...: one run of bench_stream_client (CLIENT-ARGS, plus
# --name TARGET) on the client core, sampling the RSS and threads of PIDS (one word; the proxy,
# or for direct the mock) meanwhile. Appends the client's RESULT line with target=, idle_rss_kb=
# (before the run), peak_rss_kb=, threads=, max_threads= (peak_of) and cpu_ms= (user + system of
# PIDS over the run) to RESULTS. Returns 1 when the client printed no RESULT.
measure_client() {
  local target=$1 before t0 t1 peak line
  local -a watched tcp0 tcp1
  read -r -a watched <<<"$2"
  shift 2
  read -r before _ <<<"$(rss_threads "${watched[@]}")"
  t0=$(cpu_ticks "${watched[@]}")
  read -r -a tcp0 <<<"$(tcp_counters)"
  start_sampler "$TMP/samples.$target" "${watched[@]}"
  # In the background + wait, so that a signal interrupts the run at once.
  "${PIN_CLIENT[@]}" "$BIN/bench_stream_client" "$@" --name "$target" >"$TMP/client.out" 2>>"$TMP/client.err" &
  LG_PID=$!
  wait "$LG_PID"
  LG_PID=""
  stop_sampler
  t1=$(cpu_ticks "${watched[@]}")
  read -r -a tcp1 <<<"$(tcp_counters)"
  peak=($(peak_of "$TMP/samples.$target"))
  line=$(grep '^RESULT' "$TMP/client.out")
  [[ -n $line ]] || { echo "  $target: the client failed: $(tail -n 2 "$TMP/client.err")" >&2; return 1; }
  echo "$line target=$target idle_rss_kb=$before peak_rss_kb=${peak[0]} threads=${peak[1]}" \
    "max_threads=${peak[2]} cpu_ms=$(( (t1 - t0) * 1000 / CLK_TCK ))" \
    "tcp_retrans=$((tcp1[0] - tcp0[0])) tcp_timeouts=$((tcp1[1] - tcp0[1]))" \
    "listen_overflows=$((tcp1[2] - tcp0[2])) listen_drops=$((tcp1[3] - tcp0[3]))" >>"$RESULTS"
  echo "  $(tail -n 1 "$TMP/client.err")" >&2
}

# start_spinners: with BENCH_SPIN=1, a SCHED_IDLE busy loop on each of the two pinned cores (no
# wakeup waits for an idle vCPU: lower noise, not idle latency); their pids in SPIN_PIDS.
start_spinners() {
  SPIN_PIDS=()
  [[ ${BENCH_SPIN:-0} == 1 ]] || return 0
  if ((PINNED)) && command -v chrt >/dev/null; then
    for core in 0 1; do
      chrt -i 0 taskset -c "$core" sh -c 'while :; do :; done' &
      SPIN_PIDS+=($!)
      PIDS+=($!)
    done
  else
    echo "BENCH_SPIN=1 needs 2 cores, taskset and chrt: not spinning" >&2
  fi
}

# other_load_begin SERVER_PID...: starts counting what processes other than ours use of each core
# (core 0: mock, loadgen; core 1: the servers; a spinner's CPU counts as ours on its core: it
# only takes what the benchmark leaves idle).
other_load_begin() {
  OUR0=$(cpu_ticks "$MOCK_PID" "${SPIN_PIDS[@]:0:1}") OUR1=$(cpu_ticks "$@" "${SPIN_PIDS[@]:1:1}")
  HOST0=($(host_ticks))
}

# other_load_end SERVER_PID...: stops the spinners and sets OTHER0 / OTHER1, the percentage of
# each core that other processes used since other_load_begin.
other_load_end() {
  local lg_ticks
  lg_ticks=$(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^loadgen_cpu_us=/) s += substr($i, 16) }
                  END { printf "%d", s * '"$CLK_TCK"' / 1e6 }' "$RESULTS")
  OUR0=$(( $(cpu_ticks "$MOCK_PID" "${SPIN_PIDS[@]:0:1}") - OUR0 + lg_ticks ))
  OUR1=$(( $(cpu_ticks "$@" "${SPIN_PIDS[@]:1:1}") - OUR1 ))
  HOST1=($(host_ticks))
  if ((${#SPIN_PIDS[@]})); then kill "${SPIN_PIDS[@]}" 2>/dev/null; wait "${SPIN_PIDS[@]}" 2>/dev/null; fi
  ((PINNED)) || { OUR0=$((OUR0 + OUR1)); OUR1=$OUR0; }
  OTHER0=$(( (HOST1[0] - HOST0[0] - OUR0) * 100 / (HOST1[1] - HOST0[1] + 1) ))
  OTHER1=$(( (HOST1[2] - HOST0[2] - OUR1) * 100 / (HOST1[3] - HOST0[3] + 1) ))
  ((OTHER0 < 0)) && OTHER0=0
  ((OTHER1 < 0)) && OTHER1=0
  return 0
}
