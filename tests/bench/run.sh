#!/usr/bin/env bash
# Benchmark: direct -> mock upstream, via nginx (proxy_pass, upstream keepalive), via llmgw.
#
#   tests/bench/run.sh [BUILD_DIR]        (default: build)
#
# Env: BENCH_DURATION (s per open-loop point, 6)  BENCH_WARMUP (s, 1)  BENCH_CONNS (64)
#      BENCH_RATES ("1000 5000")  BENCH_MAX_DURATION (s per max-throughput round, 3)
#      BENCH_ROUNDS (max-throughput rounds, best kept, 3)  BENCH_NICE (-15; 0 = off)
#      BENCH_OUT (file to copy RESULT lines to)  BENCH_KEEP=1 (keep temp dir)
# Needs: nginx (Debian: nginx-light), curl, taskset + setsid (util-linux). Prints a table; see README.md.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BUILD=${1:-build}
[[ -d $BUILD ]] || BUILD=$REPO/$BUILD
[[ -d $BUILD ]] || { echo "run.sh: build dir '${1:-build}' not found" >&2; exit 2; }
BUILD=$(cd "$BUILD" && pwd)
BIN=$BUILD/bin
MOCK=$BIN/bench_mock_upstream
LOADGEN=$BIN/bench_loadgen
LLMGW=$BIN/llmgw
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
DUR=${BENCH_DURATION:-6}          # per open-loop point
WARM=${BENCH_WARMUP:-1}
MAX_DUR=${BENCH_MAX_DURATION:-3}  # per closed-loop round; best of BENCH_ROUNDS rounds
ROUNDS=${BENCH_ROUNDS:-3}
CONNS=${BENCH_CONNS:-64}
RATES=${BENCH_RATES:-1000 5000}
PATH_URI=/v1/chat/completions

for f in "$MOCK" "$LOADGEN"; do
  [[ -x $f ]] || { echo "run.sh: missing $f (build with -DLLMGW_BUILD_BENCH=ON)" >&2; exit 2; }
done
[[ -x $NGINX ]] || { echo "run.sh: nginx not found (apt-get install nginx-light)" >&2; exit 2; }
command -v curl >/dev/null || { echo "run.sh: curl not found" >&2; exit 2; }

# Client side (loadgen + mock) on core 0, proxies on core 1. On a shared machine a raised priority
# keeps other people's builds from skewing the figures (root only; BENCH_NICE=0 disables it).
# With sched_autogroup, nice only ranks tasks inside one session, so the script first moves
# itself into a new session and raises that session's weight (undone when the session ends).
NICE=${BENCH_NICE:--15}
if [[ $NICE != 0 && -z ${BENCH_IN_SESSION:-} && -w /proc/$$/autogroup ]] && command -v setsid >/dev/null &&
   [[ $(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null) == 1 ]]; then
  BENCH_IN_SESSION=1 setsid bash "$HERE/run.sh" "$BUILD" &
  child=$!
  trap 'kill -TERM "$child" 2>/dev/null' INT TERM
  while :; do
    wait "$child"; rc=$?
    kill -0 "$child" 2>/dev/null || exit "$rc"
  done
fi
if [[ -n ${BENCH_IN_SESSION:-} ]]; then
  echo "$NICE" >"/proc/$$/autogroup" 2>/dev/null || echo "run.sh: could not raise the session priority" >&2
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
  echo "run.sh: fewer than 2 cores or no taskset: running unpinned" >&2
fi

TMP=$(mktemp -d /tmp/llmgw-bench.XXXXXX)
chmod 755 "$TMP"  # nginx workers may run as another user
RESULTS=$TMP/results.txt
: >"$RESULTS"
PIDS=()
LG_PID=""
cleanup() {
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
  if [[ ${BENCH_KEEP:-0} == 1 ]]; then echo "run.sh: kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_for CMD...: retry for ~10 s (50 x 0.2 s); gives up at once when CMD returns 2.
wait_for() {
  local i rc
  for i in $(seq 50); do
    "$@"; rc=$?
    ((rc == 0)) && return 0
    ((rc == 2)) && return 1
    sleep 0.2
  done
  return 1
}
http_code() { curl -s -o /dev/null -m 2 -w '%{http_code}' "$@"; }
post_ok() { [[ $(http_code -X POST -H 'Content-Type: application/json' -H 'Authorization: Bearer sk-bench' \
  -d '{"model":"bench","messages":[{"role":"user","content":"hi"}]}' "$1$PATH_URI") == 200 ]]; }

# Sum of utime+stime clock ticks of the given pids.
cpu_ticks() {
  local p line rest total=0
  for p in "$@"; do
    read -r line <"/proc/$p/stat" 2>/dev/null || continue
    rest=${line##*) }
    read -r -a f <<<"$rest"
    total=$((total + f[11] + f[12]))
  done
  echo "$total"
}
children_of() {
  local s line rest
  for s in /proc/[0-9]*/stat; do
    read -r line <"$s" 2>/dev/null || continue
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
      read -r a b _ <"$t" 2>/dev/null && { run=$((run + a)); wait=$((wait + b)); }
    done
  done
  echo "$run $wait"
}
status_kb() { awk -v k="$2:" '$1==k{print $2}' "/proc/$1/status" 2>/dev/null; }

# ---- mock upstream ----------------------------------------------------------
: >"$TMP/mock.out"
"${PIN_CLIENT[@]}" "$MOCK" 0 >"$TMP/mock.out" 2>"$TMP/mock.err" &
MOCK_PID=$!
PIDS+=("$MOCK_PID")
wait_for grep -qs '^listening on' "$TMP/mock.out" || { echo "run.sh: mock did not start" >&2; exit 1; }
MOCK_PORT=$(awk '/^listening on/{print $3; exit}' "$TMP/mock.out")
MOCK_URL=http://127.0.0.1:$MOCK_PORT

# ---- nginx ------------------------------------------------------------------
NGINX_PORT=$("$LOADGEN" --pick-port)
mkdir -p "$TMP/nginx"
cat >"$TMP/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $TMP/nginx/client_body;
  proxy_temp_path $TMP/nginx/proxy;
  fastcgi_temp_path $TMP/nginx/fastcgi;
  uwsgi_temp_path $TMP/nginx/uwsgi;
  scgi_temp_path $TMP/nginx/scgi;
  keepalive_requests 1000000;
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
"${PIN_SERVER[@]}" "$NGINX" -p "$TMP/nginx" -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" \
  >"$TMP/nginx/stdout" 2>&1 &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
NGINX_URL=http://127.0.0.1:$NGINX_PORT
wait_for post_ok "$NGINX_URL" || { echo "run.sh: nginx did not start:" >&2; cat "$TMP/nginx/error.log" >&2; exit 1; }
NGINX_PIDS=("$NGINX_PID" $(children_of "$NGINX_PID"))

# ---- llmgw ------------------------------------------------------------------
LLMGW_OK=0 LLMGW_WHY="" LLMGW_PID=""
if [[ ! -x $LLMGW ]]; then
  LLMGW_WHY="$LLMGW not built"
else
  LLMGW_PORT=$("$LOADGEN" --pick-port)
  cat >"$TMP/llmgw.yaml" <<EOF
server: {max_threads: 128, max_queued: 1024}
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
  "${PIN_SERVER[@]}" "$LLMGW" --config "$TMP/llmgw.yaml" --host 127.0.0.1 --port "$LLMGW_PORT" \
    --log-level warn >"$TMP/llmgw.out" 2>"$TMP/llmgw.err" &
  LLMGW_PID=$!
  PIDS+=("$LLMGW_PID")
  LLMGW_URL=http://127.0.0.1:$LLMGW_PORT
  ready() { kill -0 "$LLMGW_PID" 2>/dev/null || return 2; [[ $(http_code "$LLMGW_URL/health/readiness") == 200 ]]; }
  if ! wait_for ready; then
    LLMGW_WHY="did not become ready: $(tail -q -n 3 "$TMP/llmgw.err" "$TMP/llmgw.out" 2>/dev/null | tr '\n' ' ')"
  elif ! post_ok "$LLMGW_URL"; then
    LLMGW_WHY="POST $PATH_URI failed: $(curl -s -m 2 -X POST -d '{"model":"bench","messages":[]}' \
      -H 'Authorization: Bearer sk-bench' "$LLMGW_URL$PATH_URI" | head -c 300)"
  else
    LLMGW_OK=1
  fi
fi

# ---- measurements -------------------------------------------------------------
CLK_TCK=$(getconf CLK_TCK)
# measure TARGET SCENARIO DURATION LOADGEN-ARGS...: appends "<RESULT fields> target=... scen=... cpu_us=..."
measure() {
  local target=$1 scen=$2 dur=$3 url pids=() line
  shift 3
  case $target in
    direct) url=$MOCK_URL pids=() ;;
    nginx) url=$NGINX_URL pids=("${NGINX_PIDS[@]}") ;;
    llmgw)
      ((LLMGW_OK)) || return 0
      kill -0 "$LLMGW_PID" 2>/dev/null || { LLMGW_OK=0; LLMGW_WHY="exited during the run"; return 0; }
      url=$LLMGW_URL pids=("$LLMGW_PID") ;;
  esac
  local w0 w1 ns0 ns1
  w0=($(sched_ns "${pids[@]}"))
  ns0=$(date +%s%N)
  # In the background + wait, so that a signal interrupts the run at once.
  "${PIN_CLIENT[@]}" "$LOADGEN" --url "$url$PATH_URI" --conns "$CONNS" --duration "$dur" \
    --warmup "$WARM" --name "$target/$scen" "$@" >"$TMP/loadgen.out" 2>>"$TMP/loadgen.err" &
  LG_PID=$!
  wait "$LG_PID"
  LG_PID=""
  line=$(grep '^RESULT' "$TMP/loadgen.out")
  ns1=$(date +%s%N)
  w1=($(sched_ns "${pids[@]}"))
  [[ -n $line ]] || { echo "  $target/$scen: loadgen failed" >&2; return 0; }
  # cpu_us: proxy CPU time over the whole loadgen run (incl. warmup, matches total_done);
  # runq_milli: average number of proxy threads runnable but waiting for the core, x1000.
  echo "$line target=$target scen=$scen cpu_us=$(( (w1[0] - w0[0]) / 1000 ))" \
    "runq_milli=$(( (w1[1] - w0[1]) * 1000 / (ns1 - ns0) ))" >>"$RESULTS"
  echo "  $(tail -n 1 "$TMP/loadgen.err")" >&2
}

SERVER_PIDS=("${NGINX_PIDS[@]}" $LLMGW_PID)
# Load of other processes over the whole measurement, per core (context for noisy machines).
OUR0=$(cpu_ticks "$MOCK_PID") OUR1=$(cpu_ticks "${SERVER_PIDS[@]}") HOST0=($(host_ticks))
echo "llmgw bench: mock :$MOCK_PORT, nginx :$NGINX_PORT, llmgw ${LLMGW_URL:-n/a}" \
  "($CONNS conns, ${DUR}s + ${WARM}s warmup per point, nice $NICE)" >&2
((LLMGW_OK)) || echo "llmgw NOT measured: $LLMGW_WHY" >&2
for rate in $RATES; do
  for t in direct nginx llmgw; do measure "$t" "open$rate-json" "$DUR" --rate "$rate"; done
  for t in direct nginx llmgw; do measure "$t" "open$rate-sse" "$DUR" --rate "$rate" --stream; done
done
# Max throughput: interleaved rounds, the best round of each target is kept (noise only slows down).
for r in $(seq "$ROUNDS"); do
  for t in direct nginx llmgw; do measure "$t" max-json "$MAX_DUR"; done
  for t in direct nginx llmgw; do measure "$t" max-sse "$MAX_DUR" --stream; done
done

lg_ticks=$(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^loadgen_cpu_us=/) s += substr($i, 16) }
                END { printf "%d", s * '"$CLK_TCK"' / 1e6 }' "$RESULTS")
OUR0=$(( $(cpu_ticks "$MOCK_PID") - OUR0 + lg_ticks )) OUR1=$(( $(cpu_ticks "${SERVER_PIDS[@]}") - OUR1 ))
HOST1=($(host_ticks))
((PINNED)) || { OUR0=$((OUR0 + OUR1)); OUR1=$OUR0; }
OTHER0=$(( (HOST1[0] - HOST0[0] - OUR0) * 100 / (HOST1[1] - HOST0[1] + 1) ))
OTHER1=$(( (HOST1[2] - HOST0[2] - OUR1) * 100 / (HOST1[3] - HOST0[3] + 1) ))
((OTHER0 < 0)) && OTHER0=0
((OTHER1 < 0)) && OTHER1=0

LLMGW_MEM=""
if [[ -n $LLMGW_PID ]] && kill -0 "$LLMGW_PID" 2>/dev/null && ((LLMGW_OK)); then
  LLMGW_MEM="VmRSS=$(status_kb "$LLMGW_PID" VmRSS) kB VmHWM=$(status_kb "$LLMGW_PID" VmHWM) kB Threads=$(status_kb "$LLMGW_PID" Threads)"
fi
NGINX_MEM=""
for p in "${NGINX_PIDS[@]:1}"; do NGINX_MEM+="worker VmRSS=$(status_kb "$p" VmRSS) kB VmHWM=$(status_kb "$p" VmHWM) kB "; done

[[ -n ${BENCH_OUT:-} ]] && cp "$RESULTS" "$BENCH_OUT"
echo
grep '^RESULT' "$RESULTS"
echo
RATES="$RATES" ROUNDS="$ROUNDS" CONNS="$CONNS" LLMGW_OK="$LLMGW_OK" LLMGW_WHY="$LLMGW_WHY" \
  LLMGW_MEM="$LLMGW_MEM" NGINX_MEM="$NGINX_MEM" OTHER0="$OTHER0" OTHER1="$OTHER1" awk -f "$HERE/report.awk" "$RESULTS"

# Success = direct and nginx measured at every point.
n_ok=$(grep -cE 'target=(direct|nginx) ' "$RESULTS")
want=$(( $(wc -w <<<"$RATES") * 4 + 4 * ROUNDS ))
if ((n_ok < want)); then
  echo "run.sh: only $n_ok of $want direct/nginx measurements succeeded" >&2
  exit 1
fi
exit 0
