# Table of tests/bench/streams.sh: reads its RESULT lines (bench_stream_client's fields plus
# target=, idle_rss_kb=, peak_rss_kb=, threads=, max_threads=, cpu_ms=, round=).
# Env: STREAMS EVENTS GAP_MS ROUNDS LLMGW_WHY ELAPSED.
# One row per mode and round; the TTFB verdict compares the medians over the rounds of each mode's
# p99 (a 1 s burst puts one core at the edge of its capacity: one pause moves one round's p99).
/^RESULT / {
  delete f
  f["round"] = 1
  for (i = 2; i <= NF; i++) {
    eq = index($i, "=")
    v = substr($i, eq + 1)
    if (v ~ /^-?[0-9]+(\.[0-9]+)?$/) v += 0  # numbers compare as numbers
    f[substr($i, 1, eq - 1)] = v
  }
  t = f["target"]
  row[++n] = t SUBSEP f["round"]
  for (k in f) r[t, f["round"], k] = f[k]
  if (!(t in rounds)) order[++nt] = t
  p99[t, ++rounds[t]] = f["ttfb_p99_us"]
  if (!(t in idle)) idle[t] = f["idle_rss_kb"]  # later rounds start with what the earlier kept
}
function ms(us) { return sprintf("%.1f", us / 1000) }
function mb(kb) { return sprintf("%.0f", kb / 1024) }
function median(t,   i, j, k, tmp, v) {
  k = rounds[t]
  for (i = 1; i <= k; i++) v[i] = p99[t, i]
  for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (v[j] < v[i]) { tmp = v[i]; v[i] = v[j]; v[j] = tmp }
  return k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
}
function p99s(t,   i, s) {
  for (i = 1; i <= rounds[t]; i++) s = s (i > 1 ? ", " : "") ms(p99[t, i])
  return s
}
END {
  N = ENVIRON["STREAMS"]
  printf "Concurrent streams: %d streams x %d events %d ms apart (each ~%.1f s), opened together; %d round(s); %d s in all\n\n",
         N, ENVIRON["EVENTS"], ENVIRON["GAP_MS"], (ENVIRON["EVENTS"] - 1) * ENVIRON["GAP_MS"] / 1000, ENVIRON["ROUNDS"],
         ENVIRON["ELAPSED"]
  printf "%-10s %11s %6s %8s %7s %6s | %9s %9s %9s %8s | %8s %8s %9s %7s %7s\n",
         "mode", "completed", "open", "ev.miss", "stalled", "failed", "ttfb p50", "p99", "max", "worst gap",
         "peak RSS", "idle RSS", "per strm", "threads", "CPU"
  printf "%-10s %11s %6s %8s %7s %6s | %9s %9s %9s %8s | %8s %8s %9s %7s %7s\n",
         "(round)", "/ N", "peak", "", "", "", "ms", "ms", "ms", "ms", "MB", "MB", "KB", "", "s"
  all_ok = 1; seen_llmgw = 0; peak = 0; per_max = 0
  for (i = 1; i <= n; i++) {
    split(row[i], tr, SUBSEP); t = tr[1]; k = tr[2]
    per = (r[t, k, "peak_rss_kb"] - idle[t]) / N
    printf "%-10s %11s %6d %8d %7d %6d | %9s %9s %9s %8d | %8s %8s %9.1f %7s %7.2f\n",
           t (t == "direct" ? "*" : "") " (" k ")", r[t, k, "completed"] "/" r[t, k, "streams"], r[t, k, "peak_open"],
           r[t, k, "events_missing"], r[t, k, "stalled"], r[t, k, "failed"], ms(r[t, k, "ttfb_p50_us"]),
           ms(r[t, k, "ttfb_p99_us"]), ms(r[t, k, "ttfb_max_us"]), r[t, k, "max_gap_ms"], mb(r[t, k, "peak_rss_kb"]),
           mb(r[t, k, "idle_rss_kb"]), per,
           r[t, k, "threads"] (r[t, k, "max_threads"] > r[t, k, "threads"] ? " (" r[t, k, "max_threads"] ")" : ""),
           r[t, k, "cpu_ms"] / 1000
    if (r[t, k, "tcp_retrans"] > 0 || r[t, k, "listen_overflows"] > 0 || r[t, k, "listen_drops"] > 0)
      printf "%-10s   tcp (host-wide): %d segments retransmitted, %d timeouts, accept queue overflowed %d times, %d dropped\n",
             "", r[t, k, "tcp_retrans"], r[t, k, "tcp_timeouts"], r[t, k, "listen_overflows"], r[t, k, "listen_drops"]
    if (r[t, k, "failed"] > 0)
      printf "%-10s   failed: %d connect, %d non-200, %d broken, %d cut at the timeout\n", "", r[t, k, "connect_errors"],
             r[t, k, "http_errors"], r[t, k, "broken"], r[t, k, "timed_out"]
    if (t == "llmgw") {
      seen_llmgw = 1
      if (!(r[t, k, "completed"] == N && r[t, k, "events_missing"] == 0 && r[t, k, "stalled"] == 0)) all_ok = 0
      if (r[t, k, "peak_rss_kb"] > peak) peak = r[t, k, "peak_rss_kb"]
      if (per > per_max) per_max = per
    }
  }
  print ""
  print "* direct: RSS, threads and CPU are the mock's. Proxies: nginx = master + worker, summed."
  print "  open peak: most streams open at once (client side). ttfb: from connect() to the first body"
  print "  byte. worst gap: longest wait between two events of one stream (the mock sends one every " ENVIRON["GAP_MS"] " ms)."
  print "  per strm: (peak RSS - the idle RSS before the first round) / N. threads: at the RSS peak"
  print "  (the highest seen in brackets when higher). CPU: user + system over the run."
  print ""
  if (!seen_llmgw) {
    print "llmgw not measured: " ENVIRON["LLMGW_WHY"]
    exit 0
  }
  for (i = 1; i <= nt; i++)
    printf "ttfb p99 by round, %s: %s ms (median %s ms)\n", order[i], p99s(order[i]), ms(median(order[i]))
  if (rounds["nginx"] && median("nginx") > 0)
    printf "llmgw ttfb p99 / nginx ttfb p99, medians over %d round(s): %.2f (%s ms / %s ms; target <= 2.0)\n",
           rounds["llmgw"], median("llmgw") / median("nginx"), ms(median("llmgw")), ms(median("nginx"))
  printf "llmgw peak RSS: %s MB (target < 1024 MB for 8000 streams), %.1f KB per open stream (highest round)\n",
         mb(peak), per_max
  printf "llmgw: every stream completed with every event, none stalled, in every round: %s\n", all_ok ? "yes" : "NO"
  if (ENVIRON["LLMGW_WHY"] != "") print "llmgw: " ENVIRON["LLMGW_WHY"]
}
