# Turns the RESULT lines collected by run.sh into the summary table.
# Input lines: "RESULT k=v ... target=direct|nginx|llmgw scen=open1000-json|max-sse ..."
function get(t, s, k) { return V[t, s, k] }
function have(t, s) { return ((t, s, "rps") in V) }
function added(t, s, k) {
  if (!have(t, s) || !have("direct", s)) return "n/a"
  return sprintf("%+.0f", get(t, s, k) - get("direct", s, k))
}
function abs_(t, s, k) { return have(t, s) ? sprintf("%.0f", get(t, s, k)) : "n/a" }
function errs(t, s) { return have(t, s) ? get(t, s, "errors") + 0 : "-" }
function runq(t, s) {
  if (!have(t, s)) return "n/a"
  if (t == "nginx" && get(t, s, "runq_milli") + 0 > worst) worst = get(t, s, "runq_milli") + 0
  return sprintf("%.2f", get(t, s, "runq_milli") / 1000)
}
function cpu_per_req(t, s) {
  if (!have(t, s) || get(t, s, "total_done") == 0) return "n/a"
  return sprintf("%.1f", get(t, s, "cpu_us") / get(t, s, "total_done"))
}
{
  t = ""; s = ""
  for (i = 2; i <= NF; i++) {
    eq = index($i, "=")
    if (eq == 0) continue
    k = substr($i, 1, eq - 1); v = substr($i, eq + 1)
    if (v ~ /^-?[0-9]+(\.[0-9]+)?$/) v = v + 0  # numbers compare as numbers
    F[k] = v
    if (k == "target") t = v
    if (k == "scen") s = v
  }
  if (t == "" || s == "") next
  # Repeated points (max-throughput rounds): keep the round with the highest rps.
  if (have(t, s) && get(t, s, "rps") + 0 >= F["rps"] + 0) { delete F; next }
  for (k in F) V[t, s, k] = F[k]
  delete F
}
END {
  nr = split(ENVIRON["RATES"], rates, " ")
  n = 0
  for (i = 1; i <= nr; i++) { pts[++n] = "open" rates[i] "-json"; pts[++n] = "open" rates[i] "-sse" }
  printf "== Open loop: latency from the intended send time (us). direct = absolute; nginx/llmgw = added over direct ==\n"
  printf "%-15s %8s %8s | %8s %8s %8s | %8s %8s %8s | %s\n", "point", "dir p50", "dir p99",
         "ngx +p50", "ngx +p99", "+ttfb50", "gw +p50", "gw +p99", "+ttfb50", "errors d/n/g"
  for (i = 1; i <= n; i++) {
    s = pts[i]; label = s; sub(/^open/, "", label); sub(/-/, "/s ", label)
    sse = (s ~ /sse$/)
    printf "%-15s %8s %8s | %8s %8s %8s | %8s %8s %8s | %s/%s/%s\n", label,
           abs_("direct", s, "p50_us"), abs_("direct", s, "p99_us"),
           added("nginx", s, "p50_us"), added("nginx", s, "p99_us"), sse ? added("nginx", s, "ttfb_p50_us") : "-",
           added("llmgw", s, "p50_us"), added("llmgw", s, "p99_us"), sse ? added("llmgw", s, "ttfb_p50_us") : "-",
           errs("direct", s), errs("nginx", s), errs("llmgw", s)
  }
  printf "\n== Closed loop, max throughput (%s connections, best of %s rounds) ==\n", ENVIRON["CONNS"], ENVIRON["ROUNDS"]
  printf "%-6s %10s %10s %10s %12s | %14s | %s\n", "mode", "direct rps", "nginx rps", "llmgw rps",
         "llmgw/nginx", "p50 d/n/g (us)", "errors d/n/g"
  split("json sse", modes, " ")
  for (i = 1; i <= 2; i++) {
    s = "max-" modes[i]
    ratio = "n/a"
    if (have("llmgw", s) && have("nginx", s) && get("nginx", s, "rps") > 0)
      ratio = sprintf("%.2fx", get("llmgw", s, "rps") / get("nginx", s, "rps"))
    printf "%-6s %10s %10s %10s %12s | %14s | %s/%s/%s\n", modes[i],
           abs_("direct", s, "rps"), abs_("nginx", s, "rps"), abs_("llmgw", s, "rps"), ratio,
           abs_("direct", s, "p50_us") "/" abs_("nginx", s, "p50_us") "/" abs_("llmgw", s, "p50_us"),
           errs("direct", s), errs("nginx", s), errs("llmgw", s)
  }
  printf "\n== Proxy core: CPU time per request (us) | threads waiting for the core (average) ==\n"
  printf "%-15s %8s %8s | %8s %8s\n", "point", "nginx", "llmgw", "nginx", "llmgw"
  pts[++n] = "max-json"; pts[++n] = "max-sse"
  worst = 0
  for (i = 1; i <= n; i++) {
    s = pts[i]
    printf "%-15s %8s %8s | %8s %8s\n", s, cpu_per_req("nginx", s), cpu_per_req("llmgw", s),
           runq("nginx", s), runq("llmgw", s)
  }
  printf "Other processes used %s%% of core 0 and %s%% of core 1 during the measurements.\n",
         ENVIRON["OTHER0"], ENVIRON["OTHER1"]
  if (worst > 100)
    printf "WARNING: nginx, alone on its core, waited up to %.0f%% of the time for it: figures are noisy.\n", worst / 10
  printf "\n== Memory after the run ==\n"
  if (ENVIRON["LLMGW_MEM"] != "") printf "llmgw: %s\n", ENVIRON["LLMGW_MEM"]
  else printf "llmgw: n/a\n"
  printf "nginx: %s\n", ENVIRON["NGINX_MEM"]
  if (ENVIRON["LLMGW_OK"] != "1")
    printf "\nllmgw was NOT (fully) measured: %s\n", ENVIRON["LLMGW_WHY"]
}
