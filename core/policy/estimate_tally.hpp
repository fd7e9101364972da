// What the budget estimate (policy/budget_estimate) needs from a request body, tallied event by
// event as a SAX parse walks it: string values' decoded bytes and their number (keys are not
// counted), and the least non-negative top-level max_tokens / max_completion_tokens /
// max_output_tokens. estimate_request() runs it over its own parse; the dialects' request scans
// run it alongside their handlers (frontends/tallying_handler.hpp), so a scanned request's
// estimate costs no second parse. Header-only: called once per JSON event on the request path.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string_view>

#include "policy/request_estimate.hpp"

namespace llmgw::policy {

struct EstimateTally {
  std::int64_t string_bytes = 0, strings = 0;
  std::int64_t bound = -1;  // the request's output bound; -1: none given
  int depth = 0;
  bool bound_key = false;  // the last top-level key names an output bound

  void string(std::size_t len) {
    string_bytes += static_cast<std::int64_t>(len);
    ++strings;
    bound_key = false;
  }
  void key(std::string_view k) {
    bound_key = depth == 1 && k.size() >= 10 && k.starts_with("max_") &&
                (k == "max_tokens" || k == "max_completion_tokens" || k == "max_output_tokens");
  }
  /// null, true, false
  void other() { bound_key = false; }
  void number(std::int64_t v) {
    if (bound_key && v >= 0) bound = bound < 0 ? v : std::min(bound, v);
    bound_key = false;
  }
  void number_u64(std::uint64_t v) {
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    number(v > static_cast<std::uint64_t>(kMax) ? kMax : static_cast<std::int64_t>(v));
  }
  void number_double(double v) { number(v >= 0 && v < 9e18 ? static_cast<std::int64_t>(v) : -1); }
  void open() {
    ++depth;
    bound_key = false;
  }
  void close() { --depth; }

  /// The estimate of a body the walk parsed to its end.
  RequestEstimate estimate() const { return RequestEstimate{(string_bytes + 3) / 4 + strings, bound}; }

  /// Field by field (the scans' fast and reference paths must agree: tests/fuzz).
  friend bool operator==(const EstimateTally&, const EstimateTally&) = default;
};

}  // namespace llmgw::policy
