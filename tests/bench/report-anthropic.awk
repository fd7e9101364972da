# Turns the RESULT lines collected by run-anthropic.sh into its tables.
# Input lines: "RESULT k=v ... target=<scenario> scen=json|sse ... cpu_us=N round=R"
# Every figure is the median over the rounds; differences between two scenarios are taken within
# each round (the runs are interleaved, so they saw the same machine) and then the median is kept.
function median(list,    a, n, i, j, t) {
  n = split(list, a, " ")
  if (n == 0) return ""
  for (i = 2; i <= n; i++) {  # insertion sort, n is tiny
    t = a[i] + 0
    for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]
    a[j + 1] = t
  }
  return n % 2 ? a[(n + 1) / 2] + 0 : (a[n / 2] + a[n / 2 + 1]) / 2
}
function med(t, m, k) { return ((t, m, k) in L) ? median(L[t, m, k]) : "" }
function fmt(v, sign) { return v == "" ? "n/a" : sprintf(sign ? "%+.0f" : "%.0f", v) }
function fmt1(v, sign) { return v == "" ? "n/a" : sprintf(sign ? "%+.1f" : "%.1f", v) }
# Per-round difference a - b of key k, as a space-separated list.
function diffs(a, b, m, k,    r, out) {
  out = ""
  for (r = 1; r <= maxr; r++)
    if (((a, m, r, k) in V) && ((b, m, r, k) in V)) out = out " " (V[a, m, r, k] - V[b, m, r, k])
  return out
}
function listfmt(list,    a, n, i, s) {
  n = split(list, a, " ")
  s = ""
  for (i = 1; i <= n; i++) s = s (i > 1 ? " " : "") sprintf("%+.0f", a[i])
  return "[" s "]"
}
{
  t = ""; m = ""; r = 1
  delete F
  for (i = 2; i <= NF; i++) {
    eq = index($i, "=")
    if (eq == 0) continue
    F[substr($i, 1, eq - 1)] = substr($i, eq + 1)
  }
  t = F["target"]; m = F["scen"]; r = F["round"] + 0
  if (t != "" && m ~ /^max-(json|sse)$/ && r >= 1) {  # closed loop: req/s and CPU per request
    m = substr(m, 5)
    if (F["total_done"] > 0) ML[t, m, "cpu_req"] = ML[t, m, "cpu_req"] " " F["cpu_us"] / F["total_done"]
    ML[t, m, "rps"] = ML[t, m, "rps"] " " F["rps"]
    ME[t, m] += F["errors"]
    mseen[t, m] = 1
    next
  }
  if (t == "" || (m != "json" && m != "sse") || r < 1) next
  if (r > maxr) maxr = r
  F["cpu_req"] = F["total_done"] > 0 ? F["cpu_us"] / F["total_done"] : ""
  split("p50_us p99_us ttfb_p50_us cpu_req", keys, " ")
  for (i = 1; i <= 4; i++) {
    k = keys[i]
    if (F[k] == "") continue
    V[t, m, r, k] = F[k] + 0
    L[t, m, k] = L[t, m, k] " " F[k]
  }
  E[t, m] += F["errors"]
  seen[t, m] = 1
}
END {
  target = ENVIRON["TARGET_US"] + 0
  split("direct-anth direct-oai pass-anth pass-oai trans-a trans-b", order, " ")
  what["direct-anth"] = "Anthropic -> mock /v1/messages"
  what["direct-oai"] = "OpenAI -> mock /v1/chat/completions"
  what["pass-anth"] = "Anthropic -> claude -> Anthropic"
  what["pass-oai"] = "OpenAI -> gpt -> OpenAI"
  what["trans-a"] = "OpenAI -> claude -> Anthropic"
  what["trans-b"] = "Anthropic -> gpt -> OpenAI"
  base["pass-anth"] = "direct-anth"; base["trans-a"] = "direct-anth"
  base["pass-oai"] = "direct-oai"; base["trans-b"] = "direct-oai"
  split("json sse", modes, " ")
  printf "== Anthropic front-end: %s req/s open loop, ~2 KB requests, median of %d rounds (us)%s ==\n",
         ENVIRON["RATE"], maxr, ((ENVIRON["SPIN"] + 0) > 0 ? ", cores kept busy (BENCH_SPIN)" : "")
  printf "client -> alias -> upstream; +p50/+p99/+ttfb50 = added over the direct run of the same upstream API;\n"
  printf "cpu/req = llmgw CPU per request, dcpu = minus pass-anth's.\n"
  for (mi = 1; mi <= 2; mi++) {
    m = modes[mi]
    printf "\n%-4s %-12s %-36s %7s %7s | %7s %7s %8s | %8s %7s | %s\n", m, "scenario", "path", "p50", "p99",
           "+p50", "+p99", (m == "sse" ? "+ttfb50" : ""), "cpu/req", "dcpu", "errors"
    for (i = 1; i <= 6; i++) {
      t = order[i]
      if (!((t, m) in seen)) { printf "     %-12s %-36s not measured\n", t, what[t]; continue }
      direct = (t ~ /^direct/)
      b = base[t]
      printf "     %-12s %-36s %7s %7s | %7s %7s %8s | %8s %7s | %d\n", t, what[t],
             fmt(med(t, m, "p50_us")), fmt(med(t, m, "p99_us")),
             direct ? "-" : fmt(median(diffs(t, b, m, "p50_us")), 1),
             direct ? "-" : fmt(median(diffs(t, b, m, "p99_us")), 1),
             (m == "sse" && !direct) ? fmt(median(diffs(t, b, m, "ttfb_p50_us")), 1) : "",
             direct ? "-" : fmt1(med(t, m, "cpu_req")),
             (t ~ /^trans/ || t == "pass-oai") ? fmt1(median(diffs(t, "pass-anth", m, "cpu_req")), 1) : "",
             E[t, m]
    }
  }
  printf "\n== Translation minus passthrough, p50 (us): median of the per-round differences [rounds] ==\n"
  printf "target: translation adds <= %d us p50 over passthrough (pass-anth: Anthropic body -> claude)\n", target
  printf "%-4s %-8s %-30s | %-26s | %-26s | %s\n", "mode", "scenario", "", "- pass-anth (the target)",
         "- pass-oai", "verdict"
  for (mi = 1; mi <= 2; mi++) {
    m = modes[mi]
    for (i = 5; i <= 6; i++) {
      t = order[i]
      da = diffs(t, "pass-anth", m, "p50_us")
      db = diffs(t, "pass-oai", m, "p50_us")
      va = median(da)
      verdict = va == "" ? "n/a" : (va <= target ? "ok" : "OVER by " sprintf("%.0f", va - target) " us")
      printf "%-4s %-8s %-30s | %+6s %-19s | %+6s %-19s | %s\n", m, t, what[t],
             fmt(va, 1), va == "" ? "" : listfmt(da), fmt(median(db), 1), db == "" ? "" : listfmt(db), verdict
    }
  }
  nm = 0
  for (k in mseen) nm++
  if (nm > 0) {
    printf "\n== Closed loop, %s connections: llmgw CPU per request at saturation (us; median of rounds) ==\n",
           ENVIRON["MAX_CONNS"]
    printf "%-4s %-10s %-34s %9s %9s %9s | %s\n", "mode", "scenario", "path", "req/s", "cpu/req", "dcpu", "errors"
    for (mi = 1; mi <= 2; mi++) {
      m = modes[mi]
      for (i = 3; i <= 6; i++) {
        t = order[i]
        if (!((t, m) in mseen)) continue
        c = median(ML[t, m, "cpu_req"]); pc = median(ML["pass-anth", m, "cpu_req"])
        printf "%-4s %-10s %-34s %9s %9s %9s | %d\n", m, t, what[t], fmt(median(ML[t, m, "rps"])), fmt1(c),
               (t == "pass-anth" || c == "" || pc == "") ? "" : fmt1(c - pc, 1), ME[t, m]
      }
    }
    printf "dcpu = minus pass-anth's: the CPU a translation adds per request (what the p50 difference is made of).\n"
  }
  printf "\nOther processes used %s%% of core 0 and %s%% of core 1 during the measurements.\n",
         ENVIRON["OTHER0"], ENVIRON["OTHER1"]
  if (ENVIRON["SKIPPED"] != "") printf "\nNOT measured (smoke test failed):\n%s", ENVIRON["SKIPPED"]
}
