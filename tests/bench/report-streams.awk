# Table of tests/bench/streams.sh: reads its RESULT lines (bench_stream_client's fields plus
# target=, idle_rss_kb=, peak_rss_kb=, threads=, max_threads=, cpu_ms=).
# Env: STREAMS EVENTS GAP_MS LLMGW_WHY ELAPSED.
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
function ms(us) { return sprintf("%.1f", us / 1000) }
function mb(kb) { return sprintf("%.0f", kb / 1024) }
END {
  N = ENVIRON["STREAMS"]
  printf "Concurrent streams: %d streams x %d events %d ms apart (each ~%.1f s), opened together; %d s in all\n\n",
         N, ENVIRON["EVENTS"], ENVIRON["GAP_MS"], (ENVIRON["EVENTS"] - 1) * ENVIRON["GAP_MS"] / 1000, ENVIRON["ELAPSED"]
  printf "%-8s %11s %6s %8s %7s %6s | %9s %9s %9s %8s | %8s %8s %9s %7s %7s\n",
         "mode", "completed", "open", "ev.miss", "stalled", "failed", "ttfb p50", "p99", "max", "worst gap",
         "peak RSS", "idle RSS", "per strm", "threads", "CPU"
  printf "%-8s %11s %6s %8s %7s %6s | %9s %9s %9s %8s | %8s %8s %9s %7s %7s\n",
         "", "/ N", "peak", "", "", "", "ms", "ms", "ms", "ms", "MB", "MB", "KB", "", "s"
  for (i = 1; i <= n; i++) {
    t = order[i]
    per = (r[t, "peak_rss_kb"] - r[t, "idle_rss_kb"]) / N
    printf "%-8s %11s %6d %8d %7d %6d | %9s %9s %9s %8d | %8s %8s %9.1f %7s %7.2f\n",
           t (t == "direct" ? "*" : ""), r[t, "completed"] "/" r[t, "streams"], r[t, "peak_open"], r[t, "events_missing"],
           r[t, "stalled"], r[t, "failed"], ms(r[t, "ttfb_p50_us"]), ms(r[t, "ttfb_p99_us"]),
           ms(r[t, "ttfb_max_us"]), r[t, "max_gap_ms"], mb(r[t, "peak_rss_kb"]), mb(r[t, "idle_rss_kb"]), per,
           r[t, "threads"] (r[t, "max_threads"] > r[t, "threads"] ? " (" r[t, "max_threads"] ")" : ""),
           r[t, "cpu_ms"] / 1000
    if (r[t, "failed"] > 0)
      printf "%-8s   failed: %d connect, %d non-200, %d broken, %d cut at the timeout\n", "", r[t, "connect_errors"],
             r[t, "http_errors"], r[t, "broken"], r[t, "timed_out"]
  }
  print ""
  print "* direct: RSS, threads and CPU are the mock's. Proxies: nginx = master + worker, summed."
  print "  open peak: most streams open at once (client side). ttfb: from connect() to the first body"
  print "  byte. worst gap: longest wait between two events of one stream (the mock sends one every " ENVIRON["GAP_MS"] " ms)."
  print "  per strm: (peak RSS - idle RSS) / N. threads: at the RSS peak (the highest seen in brackets"
  print "  when higher). CPU: user + system over the run."
  print ""
  if (r["llmgw", "target"] == "") {
    print "llmgw not measured: " ENVIRON["LLMGW_WHY"]
    exit 0
  }
  if (r["nginx", "target"] != "" && r["nginx", "ttfb_p99_us"] > 0)
    printf "llmgw ttfb p99 / nginx ttfb p99: %.2f (%s ms / %s ms; target <= 2.0)\n",
           r["llmgw", "ttfb_p99_us"] / r["nginx", "ttfb_p99_us"], ms(r["llmgw", "ttfb_p99_us"]), ms(r["nginx", "ttfb_p99_us"])
  printf "llmgw peak RSS: %s MB (target < 1024 MB for 8000 streams), %.1f KB per open stream\n",
         mb(r["llmgw", "peak_rss_kb"]), (r["llmgw", "peak_rss_kb"] - r["llmgw", "idle_rss_kb"]) / N
  ok = r["llmgw", "completed"] == N && r["llmgw", "events_missing"] == 0 && r["llmgw", "stalled"] == 0
  printf "llmgw: every stream completed with every event, none stalled: %s\n", ok ? "yes" : "NO"
  if (ENVIRON["LLMGW_WHY"] != "") print "llmgw: " ENVIRON["LLMGW_WHY"]
}
