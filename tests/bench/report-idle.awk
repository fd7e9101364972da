# Table of tests/bench/idle.sh: reads its RESULT lines (bench_stream_client --idle's fields plus
# target=, idle_rss_kb=, peak_rss_kb=, threads=, max_threads=, cpu_ms=).
# Env: IDLE PROBES LLMGW_WHY ELAPSED.
/^RESULT / {
  delete f
  for (i = 2; i <= NF; i++) {
    eq = index($i, "=")
    v = substr($i, eq + 1)
    if (v ~ /^-?[0-9]+(\.[0-9]+)?$/) v += 0  # numbers compare as numbers
    f[substr($i, 1, eq - 1)] = v
  }
  t = f["target"]
  order[++n] = t
  for (k in f) r[t, k] = f[k]
}
function ms(us) { return sprintf("%.2f", us / 1000) }
function mb(kb) { return sprintf("%.0f", kb / 1024) }
# The slowest probe in ms; ">TIMEOUT" when one timed out, "err" when one failed otherwise.
function worst(t, kind) {
  if (r[t, kind "_timeouts"] > 0) return ">" ENVIRON["PROBE_TIMEOUT_MS"]
  if (r[t, kind "_ok"] < r[t, kind "_n"]) return "err"
  return ms(r[t, kind "_max_us"])
}
function worst_ms(t, kind) { w = worst(t, kind); return w == "err" ? "failed" : w " ms" }
function probe(t, kind) {
  return sprintf("%5s %8s %8s", r[t, kind "_ok"] "/" r[t, kind "_n"],
                 r[t, kind "_ok"] > 0 ? ms(r[t, kind "_p50_us"]) : "-", worst(t, kind))
}
END {
  N = ENVIRON["IDLE"]
  printf "Idle connections: %d keep-alive client connections (one GET /health each, then idle); %d new-connection\n",
         N, ENVIRON["PROBES"]
  printf "probes of each kind while they are open; %d s in all\n\n", ENVIRON["ELAPSED"]
  printf "%-8s %11s %6s %6s | %-23s | %-23s | %8s %8s %8s %7s %6s\n", "mode", "idle open", "closed", "open",
         "  GET /health (new conn)", "  chat call (new conn)", "RSS", "before", "per conn", "threads", "CPU"
  printf "%-8s %11s %6s %6s | %5s %8s %8s | %5s %8s %8s | %8s %8s %8s %7s %6s\n", "", "/ N", "", "s",
         "ok", "p50 ms", "max ms", "ok", "p50 ms", "max ms", "MB", "MB", "KB", "", "s"
  for (i = 1; i <= n; i++) {
    t = order[i]
    per = (r[t, "peak_rss_kb"] - r[t, "idle_rss_kb"]) / N
    printf "%-8s %11s %6d %6.1f | %s | %s | %8s %8s %8.1f %7s %6.2f\n",
           t (t == "direct" ? "*" : ""), r[t, "idle_ok"] "/" r[t, "idle"], r[t, "idle_closed"], r[t, "open_ms"] / 1000,
           probe(t, "health"), probe(t, "chat"), mb(r[t, "peak_rss_kb"]), mb(r[t, "idle_rss_kb"]), per,
           r[t, "threads"] (r[t, "max_threads"] > r[t, "threads"] ? " (" r[t, "max_threads"] ")" : ""),
           r[t, "cpu_ms"] / 1000
    if (r[t, "health_ok"] + r[t, "chat_ok"] < r[t, "health_n"] + r[t, "chat_n"])
      printf "%-8s   probes unanswered: %d /health, %d chat (%d, %d of them timed out after %d ms)\n", "",
             r[t, "health_n"] - r[t, "health_ok"], r[t, "chat_n"] - r[t, "chat_ok"], r[t, "health_timeouts"],
             r[t, "chat_timeouts"], ENVIRON["PROBE_TIMEOUT_MS"]
  }
  print ""
  print "* direct: RSS, threads and CPU are the mock's. Proxies: nginx = master + worker, summed."
  print "  idle open: connections whose GET /health was answered; closed: of those, closed by the"
  print "  server before the probes ended; open s: time to open them all. Probe latency: connect() to"
  print "  the last byte, one probe at a time (>T: one timed out; err: one failed). RSS: highest seen;"
  print "  before: before the idle connections were opened; per conn: (RSS - before) / N. threads: at"
  print "  the RSS peak (highest seen in brackets when higher)."
  print ""
  if (r["llmgw", "target"] == "") {
    print "llmgw not measured: " ENVIRON["LLMGW_WHY"]
    exit 0
  }
  met = r["llmgw", "health_ok"] == r["llmgw", "health_n"] && r["llmgw", "health_max_us"] <= 10000 &&
        r["llmgw", "chat_ok"] == r["llmgw", "chat_n"] && r["llmgw", "chat_max_us"] <= 10000
  printf "llmgw, %d of %d idle connections open: GET /health max %s, chat call max %s (target: each\n",
         r["llmgw", "idle_ok"] - r["llmgw", "idle_closed"], N, worst_ms("llmgw", "health"), worst_ms("llmgw", "chat")
  printf "  within 10 ms): %s; RSS %s MB, %s threads with them open\n", met ? "met" : "NOT met",
         mb(r["llmgw", "peak_rss_kb"]), r["llmgw", "threads"]
  if (r["nginx", "target"] != "")
    printf "nginx for comparison: GET /health max %s, chat call max %s; RSS %s MB\n", worst_ms("nginx", "health"),
           worst_ms("nginx", "chat"), mb(r["nginx", "peak_rss_kb"])
  if (r["llmgw", "idle_ok"] < N) print "llmgw: only " r["llmgw", "idle_ok"] " of " N " idle connections were answered"
  if (ENVIRON["LLMGW_WHY"] != "") print "llmgw: " ENVIRON["LLMGW_WHY"]
}
