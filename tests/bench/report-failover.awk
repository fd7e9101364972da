# Turns failover.sh's raw lines into its tables. Inputs, in order: the failing mock's MODE lines
# (one per phase, in phase order) and the loadgen's output (RESULT, SECOND and PHASE lines).
# Env: CONNECT_MS FIRST_BYTE_S COOLDOWN_S ALLOWED_FAILS RATE COOLINGS ALIVE.
function kv(line, arr,   i, eq, n, f) {
  n = split(line, f, " ")
  for (i = 2; i <= n; i++) {
    eq = index(f[i], "=")
    if (eq) arr[substr(f[i], 1, eq - 1)] = substr(f[i], eq + 1)
  }
}
function ms(us) { return sprintf("%.1f", us / 1000) }
function opt_ms(v) { return v + 0 < 0 ? "-" : sprintf("%.0f ms", v) }
FNR == NR && /^MODE/ { delete M; kv($0, M); nm++; mreq[nm] = M["requests"]; mlast[nm] = M["last_ms"]; next }
/^SECOND/ {
  delete S; kv($0, S)
  p = S["phase"]
  # The label of a second is that of the phase where it starts; phases repeat ("recover"), so
  # key by the running phase index instead: a new run of seconds starts at each label change.
  if (p != lastp) { np_s++; slabel[np_s] = p; lastp = p }
  errs[np_s] = errs[np_s] sprintf(" %d", S["errors"])
  tch[np_s] = tch[np_s] sprintf(" %d", S["touched"])
  next
}
/^PHASE/ {
  delete P; kv($0, P); np++
  for (k in P) PH[np, k] = P[k]
  next
}
END {
  CONNECT_MS = ENVIRON["CONNECT_MS"] + 0; FIRST_BYTE_S = ENVIRON["FIRST_BYTE_S"]; COOLDOWN_S = ENVIRON["COOLDOWN_S"]
  ALLOWED_FAILS = ENVIRON["ALLOWED_FAILS"] + 0; RATE = ENVIRON["RATE"] + 0; COOLINGS = ENVIRON["COOLINGS"] + 0
  ALIVE = ENVIRON["ALIVE"] + 0
  target = CONNECT_MS + 10
  printf "Failover: pool {failing, healthy}, %d req/s open loop; connect_timeout_ms %d, first_byte_timeout %s s, " \
         "allowed_fails %d, cooldown_time %s s\n\n", RATE, CONNECT_MS, FIRST_BYTE_S, ALLOWED_FAILS, COOLDOWN_S
  printf "%-8s %5s %8s %6s %8s %8s %8s %9s %8s %8s %7s %8s %14s\n", "phase", "secs", "requests", "errors",
         "err rate", "p50 ms", "p99 ms", "max ms", "failing", "moved", "probes", "back", "mock got/last"
  for (i = 1; i <= np; i++) {
    lab = PH[i, "label"]; n = PH[i, "requests"] + 0; e = PH[i, "errors"] + 0
    failure = PH[i, "mode"] != "healthy" && PH[i, "mode"] != "-"
    # failing: requests that touched the failing deployment (failure phases) or that it answered
    # (healthy phases); moved: end of the first wave of touches; back: its first answer.
    if (failure) fail_col = PH[i, "touched"]
    else fail_col = sprintf("%d%%", n ? 100 * PH[i, "by_watch"] / n : 0)
    mock = (i in mreq) ? (PH[i, "mode"] == "refuse" ? "-" : sprintf("%d/%s", mreq[i], mlast[i] + 0 < 0 ? "-" : sprintf("+%.0f", mlast[i]))) : "?"
    printf "%-8s %5.1f %8d %6d %7.3f%% %8s %8s %9s %8s %8s %7s %8s %14s\n", lab, PH[i, "secs"], n, e,
           n ? 100 * e / n : 0, ms(PH[i, "p50_us"]), ms(PH[i, "p99_us"]), ms(PH[i, "max_us"]), fail_col,
           failure ? opt_ms(PH[i, "moved_ms"]) : "-", failure ? (PH[i, "touched"] ? PH[i, "probes"] : "-") : "-",
           failure ? "-" : opt_ms(PH[i, "back_ms"]), mock
  }
  print ""
  print "  failing: failure phases: requests that reached the failing deployment (it answered, or they took"
  print "           2 attempts); healthy phases: share it answered. moved: phase start -> last request of"
  print "           the first wave to reach it (until a 500 ms pause); probes: later ones (half-open probes"
  print "           after each cooldown_time). back: phase start -> its first answer. mock got/last: requests"
  print "           the failing mock received in the phase / ms after the phase start of the last one."
  print ""
  print "Per second (by intended start), errors | requests that reached the failing deployment:"
  for (j = 1; j <= np_s; j++) printf "  %-8s errors:%s | failing:%s\n", slabel[j], errs[j], tch[j]
  print ""
  for (i = 1; i <= np; i++) {
    m = PH[i, "mode"]
    if (m != "error500" && m != "refuse" && m != "hang") continue
    e = PH[i, "errors"] + 0; p99 = PH[i, "p99_us"] / 1000
    if (m == "hang") {
      printf "%-8s client errors %d; p99 %.1f ms (hangs cost up to first_byte_timeout %.0f ms each until the deployment cools)\n",
             PH[i, "label"] ":", e, p99, FIRST_BYTE_S * 1000
      continue
    }
    ok = e == 0 && p99 < target
    printf "%-8s client errors %d (target 0), p99 %.1f ms (target < connect_timeout + 10 ms = %d ms): %s\n",
           PH[i, "label"] ":", e, p99, target, ok ? "met" : "NOT met"
  }
  printf "llmgw logged %d cooldowns%s\n", COOLINGS, ALIVE ? "" : "; llmgw EXITED during the run"
}
