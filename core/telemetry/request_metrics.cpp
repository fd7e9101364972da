#include "telemetry/request_metrics.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "pipeline/model_table.hpp"
#include "telemetry/labeled_series.hpp"

namespace llmgw::telemetry {
namespace {

/// Label text built in a stack buffer (no allocation); values escaped; cut at the buffer's end.
class LabelText {
 public:
  LabelText& add(std::string_view name, std::string_view value) noexcept {
    if (len_) put(',');
    for (char c : name) put(c);
    put('=');
    put('"');
    for (char c : value) {
      if (c == '\\' || c == '"') put('\\');
      if (c == '\n') { put('\\'); put('n'); continue; }
      put(c);
    }
    put('"');
    return *this;
  }
  LabelText& add(std::string_view name, int64_t value) noexcept {
    char buf[24];
    const int n = std::snprintf(buf, sizeof buf, "%" PRId64, value);
    return add(name, std::string_view(buf, static_cast<std::size_t>(n)));
  }
  std::string_view view() const noexcept { return {buf_, len_}; }

 private:
  void put(char c) noexcept {
    if (len_ < sizeof buf_) buf_[len_++] = c;
  }
  char buf_[240];
  std::size_t len_ = 0;
};

enum Metric : uint16_t {
  kRequests = 1, kTokens, kSpend, kUpstreamErrors, kRetries, kFallbacks, kCooldowns, kCacheRead, kCacheInput,
  kLatency, kTtft, kOverhead
};

struct CounterDef {
  Metric id;
  const char* name;
  const char* help;
  double scale;  // value / scale is shown
};

const CounterDef kCounters[] = {
    {kRequests, "llmgw_requests_total", "Finished requests by route, alias, deployment and status.", 1},
    {kTokens, "llmgw_tokens_total", "Tokens by kind (input counts cache reads and writes; output counts reasoning).", 1},
    {kSpend, "llmgw_spend_usd_total", "Cost of the requests from the price table, USD (only with a database).", 1e9},
    {kUpstreamErrors, "llmgw_upstream_errors_total", "Failed upstream attempts by deployment and error class.", 1},
    {kRetries, "llmgw_retries_total", "Attempts that repeated a deployment the request had tried.", 1},
    {kFallbacks, "llmgw_fallbacks_total", "Attempts on a fallback alias (labelled with the alias asked for).", 1},
    {kCooldowns, "llmgw_cooldowns_total", "Cooldowns started by a failed attempt.", 1},
    {kCacheRead, "llmgw_prompt_cache_read_tokens_total", "Input tokens read from the prompt cache, on calls that asked for caching.", 1},
    {kCacheInput, "llmgw_prompt_cache_input_tokens_total", "Input tokens of calls that asked for prompt caching.", 1},
};

constexpr std::size_t kBuckets = 15;
struct HistogramDef {
  Metric id;
  const char* name;
  const char* help;
  double bounds[kBuckets];  // seconds
};

const HistogramDef kHistograms[] = {
    {kLatency, "llmgw_request_duration_seconds", "Request latency, head read to the answer's last byte.",
     {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300}},
    {kTtft, "llmgw_time_to_first_token_seconds", "Attempt start to the upstream's first byte (first event for streams).",
     {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120}},
    {kOverhead, "llmgw_gateway_overhead_seconds", "Request latency minus the time spent in upstream attempts.",
     {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5}},
};

// Histogram values: kBuckets bucket counts (non-cumulative), then the count, then the sum (µs).
constexpr std::size_t kHistogramValues = kBuckets + 2;

LabeledSeries<1, 8192>& counter_table() {
  static LabeledSeries<1, 8192> table;
  return table;
}
LabeledSeries<kHistogramValues, 1024>& histogram_table() {
  static LabeledSeries<kHistogramValues, 1024> table;
  return table;
}
/// The per-route histograms (the overhead), apart: aliases filling the table above must not take
/// the room of the few route series.
LabeledSeries<kHistogramValues, 64>& route_histogram_table() {
  static LabeledSeries<kHistogramValues, 64> table;
  return table;
}
/// The table a histogram's series live in.
template <class Fn>
void with_histogram_table(Metric id, Fn&& fn) {
  if (id == kOverhead) fn(route_histogram_table());
  else fn(histogram_table());
}
std::array<std::atomic<int64_t>, static_cast<std::size_t>(Route::Count)>& in_flight() {
  static std::array<std::atomic<int64_t>, static_cast<std::size_t>(Route::Count)> gauges{};
  return gauges;
}

void add(Metric m, const LabelText& labels, uint64_t delta) noexcept {
  if (delta == 0) return;
  if (auto* v = counter_table().find(m, labels.view())) (*v)[0].fetch_add(delta, std::memory_order_relaxed);
}

uint64_t positive(int64_t v) { return v > 0 ? static_cast<uint64_t>(v) : 0; }

void number(std::string& out, double v) {
  char buf[40];
  const int n = v == static_cast<double>(static_cast<int64_t>(v)) ? std::snprintf(buf, sizeof buf, "%" PRId64, static_cast<int64_t>(v))
                                                                   : std::snprintf(buf, sizeof buf, "%.9g", v);
  out.append(buf, static_cast<std::size_t>(n));
}

void header(std::string& out, const char* name, const char* help, const char* type) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n# TYPE ").append(name).append(" ").append(type).append("\n");
}

void series(std::string& out, std::string_view name, std::string_view labels, double value) {
  out.append(name);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  out.push_back(' ');
  number(out, value);
  out.push_back('\n');
}

}  // namespace

void append_label(std::string& out, std::string_view name, std::string_view value) {
  LabelText t;
  t.add(name, value);
  if (!out.empty()) out.push_back(',');
  out.append(t.view());
}

namespace {

using CounterValues = std::array<std::atomic<uint64_t>, 1>;
using HistogramValues = std::array<std::atomic<uint64_t>, kHistogramValues>;

void add(CounterValues* v, uint64_t delta) noexcept {
  if (v && delta) (*v)[0].fetch_add(delta, std::memory_order_relaxed);
}

/// The series one (route, alias, deployment) writes on every request, found once per loop thread
/// and kept: a request then formats and hashes no label text (that was 7,500 instructions a
/// request, an eighth of the whole proxied request). A series the table had no room for stays
/// null (counted once as overflow) until its entry is filled again.
struct CallSeries {
  Route route{};
  std::string alias, deployment;
  bool used = false;
  HistogramValues *latency = nullptr, *ttft = nullptr, *overhead = nullptr;
  CounterValues *tokens[5] = {}, *spend = nullptr, *cache_input = nullptr, *cache_read = nullptr;
  CounterValues *retries = nullptr, *fallbacks = nullptr;
  struct ByStatus {
    int status = 0;
    CounterValues* requests = nullptr;
  } by_status[4];
  unsigned next_status = 0;  // the by_status entry a new status replaces
};

constexpr const char* kTokenKinds[] = {"input", "output", "cache_read", "cache_write", "reasoning"};

void fill(CallSeries& c, Route route, std::string_view alias, std::string_view deployment) {
  c = CallSeries{};
  c.route = route;
  c.alias.assign(alias);
  c.deployment.assign(deployment);
  c.used = true;
  const std::string_view r = route_name(route);
  const LabelText route_alias = LabelText().add("route", r).add("alias", alias);
  c.latency = histogram_table().find(kLatency, route_alias.view());
  c.ttft = histogram_table().find(kTtft, route_alias.view());
  c.overhead = route_histogram_table().find(kOverhead, LabelText().add("route", r).view());
  for (int k = 0; k < 5; ++k)
    c.tokens[k] = counter_table().find(
        kTokens, LabelText().add("alias", alias).add("deployment", deployment).add("kind", kTokenKinds[k]).view());
  c.spend = counter_table().find(kSpend, LabelText().add("alias", alias).add("deployment", deployment).view());
  const LabelText by_alias = LabelText().add("alias", alias);
  c.cache_input = counter_table().find(kCacheInput, by_alias.view());
  c.cache_read = counter_table().find(kCacheRead, by_alias.view());
  c.retries = counter_table().find(kRetries, by_alias.view());
  c.fallbacks = counter_table().find(kFallbacks, by_alias.view());
}

/// A direct-mapped cache of CallSeries per thread (bounded: a new key replaces the entry it maps to).
CallSeries& call_series(Route route, std::string_view alias, std::string_view deployment) {
  static thread_local std::array<CallSeries, 256> cache;
  const std::size_t h = std::hash<std::string_view>{}(alias) * 31 + std::hash<std::string_view>{}(deployment) +
                        static_cast<std::size_t>(route);
  CallSeries& c = cache[h % cache.size()];
  if (!c.used || c.route != route || c.alias != alias || c.deployment != deployment) fill(c, route, alias, deployment);
  return c;
}

CounterValues* requests_series(CallSeries& c, int status) {
  for (const auto& e : c.by_status)
    if (e.requests && e.status == status) return e.requests;
  LabelText labels;
  labels.add("route", route_name(c.route)).add("alias", c.alias).add("deployment", c.deployment).add("status", status);
  CounterValues* v = counter_table().find(kRequests, labels.view());
  if (v) c.by_status[c.next_status++ % std::size(c.by_status)] = {status, v};
  return v;
}

void observe(HistogramValues* v, Metric m, int64_t us) noexcept {
  if (!v || us < 0) return;
  const HistogramDef* def = nullptr;
  for (const auto& h : kHistograms)
    if (h.id == m) def = &h;
  const double seconds = static_cast<double>(us) / 1e6;
  std::size_t b = 0;
  while (b < kBuckets && seconds > def->bounds[b]) ++b;
  if (b < kBuckets) (*v)[b].fetch_add(1, std::memory_order_relaxed);
  (*v)[kBuckets].fetch_add(1, std::memory_order_relaxed);
  (*v)[kBuckets + 1].fetch_add(static_cast<uint64_t>(us), std::memory_order_relaxed);
}

}  // namespace

void record_request_metrics(const RequestFacts& f) {
  const pipeline::Deployment* d = f.deployment;
  const std::string_view deployment = d ? std::string_view(d->cfg.id) : std::string_view();
  CallSeries& c = call_series(f.route, f.alias, deployment);
  add(requests_series(c, f.status), 1);
  observe(c.latency, kLatency, f.latency_us);
  if (f.attempts > 0) {
    observe(c.ttft, kTtft, f.ttft_us);
    observe(c.overhead, kOverhead, std::max<int64_t>(f.latency_us - f.upstream_us(), 0));
  }
  if (d) {
    const int64_t counts[] = {f.usage.prompt_tokens, f.usage.completion_tokens, f.usage.cached_tokens,
                              f.usage.cache_creation_tokens, f.usage.reasoning_tokens};
    for (int k = 0; k < 5; ++k) add(c.tokens[k], positive(counts[k]));
    if (f.cost_nano_usd > 0) add(c.spend, static_cast<uint64_t>(f.cost_nano_usd));
    if (f.cache_requested && f.usage.prompt_tokens > 0) {
      add(c.cache_input, positive(f.usage.prompt_tokens));
      add(c.cache_read, positive(f.usage.cached_tokens));
    }
  }
  if (f.attempt_log) {
    for (const auto& a : *f.attempt_log) {
      const std::string_view ad = a.deployment ? std::string_view(a.deployment->cfg.id) : std::string_view();
      if (a.status >= 400)
        add(kUpstreamErrors, LabelText().add("deployment", ad).add("class", error_class_name(a.error_class)), 1);
      if (a.cooled) add(kCooldowns, LabelText().add("deployment", ad), 1);
    }
    add(c.retries, static_cast<uint64_t>(f.retries()));
    add(c.fallbacks, static_cast<uint64_t>(f.fallbacks()));
  }
}

InFlight::InFlight(Route route) noexcept : route_(route) {
  in_flight()[static_cast<std::size_t>(route_)].fetch_add(1, std::memory_order_relaxed);
}
InFlight::~InFlight() { in_flight()[static_cast<std::size_t>(route_)].fetch_sub(1, std::memory_order_relaxed); }

void render_request_metrics(std::string& out) {
  for (const CounterDef& c : kCounters) {
    header(out, c.name, c.help, "counter");
    counter_table().for_each(c.id, [&](std::string_view labels, const auto& v) {
      series(out, c.name, labels, static_cast<double>(v[0].load(std::memory_order_relaxed)) / c.scale);
    });
  }
  for (const HistogramDef& h : kHistograms) {
    header(out, h.name, h.help, "histogram");
    const std::string bucket = std::string(h.name) + "_bucket", sum = std::string(h.name) + "_sum",
                      count = std::string(h.name) + "_count";
    with_histogram_table(h.id, [&](auto& table) { table.for_each(h.id, [&](std::string_view labels, const auto& v) {
      uint64_t cumulative = 0;
      std::string with_le;
      for (std::size_t b = 0; b <= kBuckets; ++b) {
        const uint64_t total = v[kBuckets].load(std::memory_order_relaxed);
        cumulative = b < kBuckets ? cumulative + v[b].load(std::memory_order_relaxed) : std::max(cumulative, total);
        with_le.assign(labels);
        char le[32];
        const int n = b < kBuckets ? std::snprintf(le, sizeof le, "%g", h.bounds[b]) : std::snprintf(le, sizeof le, "+Inf");
        append_label(with_le, "le", std::string_view(le, static_cast<std::size_t>(n)));
        series(out, bucket, with_le, static_cast<double>(cumulative));
      }
      series(out, sum, labels, static_cast<double>(v[kBuckets + 1].load(std::memory_order_relaxed)) / 1e6);
      series(out, count, labels, static_cast<double>(std::max(cumulative, v[kBuckets].load(std::memory_order_relaxed))));
    }); });
  }
  header(out, "llmgw_requests_in_flight", "Requests being served, by route.", "gauge");
  for (std::size_t r = 0; r < static_cast<std::size_t>(Route::Count); ++r) {
    std::string labels;
    append_label(labels, "route", route_name(static_cast<Route>(r)));
    series(out, "llmgw_requests_in_flight", labels, static_cast<double>(in_flight()[r].load(std::memory_order_relaxed)));
  }
  // Hit ratio per alias: cache reads over input tokens of the calls that asked for caching.
  header(out, "llmgw_prompt_cache_hit_ratio",
         "Prompt-cache read tokens over input tokens, on calls that asked for caching (0 = every such call missed).", "gauge");
  counter_table().for_each(kCacheInput, [&](std::string_view labels, const auto& input) {
    const uint64_t in = input[0].load(std::memory_order_relaxed);
    uint64_t read = 0;
    counter_table().for_each(kCacheRead, [&](std::string_view l, const auto& v) {
      if (l == labels) read = v[0].load(std::memory_order_relaxed);
    });
    series(out, "llmgw_prompt_cache_hit_ratio", labels, in ? static_cast<double>(read) / static_cast<double>(in) : 0.0);
  });
  header(out, "llmgw_metric_series_dropped_total", "Label sets not recorded because the series table was full.", "counter");
  series(out, "llmgw_metric_series_dropped_total", "",
         static_cast<double>(counter_table().overflow() + histogram_table().overflow() +
                             route_histogram_table().overflow()));
}

}  // namespace llmgw::telemetry
