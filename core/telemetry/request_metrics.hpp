// The request metrics /metrics shows (issue 12): requests by route, alias, deployment and
// status; latency, time-to-first-token and gateway-overhead histograms; tokens by kind; spend;
// upstream errors by class; retries, fallbacks, cooldowns; requests in flight; prompt-cache
// reads over input on calls that asked for caching. Recorded once per request in phase 9 with
// atomics only (telemetry/labeled_series.hpp): no lock, no allocation.
#pragma once

#include <string>

#include "telemetry/request_facts.hpp"

namespace llmgw::telemetry {

/// Adds one finished request to the metrics.
void record_request_metrics(const RequestFacts& facts);

/// A request in flight on `route` from construction to destruction.
class InFlight {
 public:
  explicit InFlight(Route route) noexcept;
  ~InFlight();
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  Route route_;
};

/// Appends the request metrics in Prometheus text format (0.0.4).
void render_request_metrics(std::string& out);

/// Appends one label `name="value"` (escaped as the exposition format wants) to a label text.
void append_label(std::string& out, std::string_view name, std::string_view value);

}  // namespace llmgw::telemetry
