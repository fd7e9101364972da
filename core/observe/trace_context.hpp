// W3C Trace Context (https://www.w3.org/TR/trace-context/): the client's `traceparent` header
// parsed (a header from outside: strict, never throws), new trace and span ids, and the
// `traceparent` the gateway sends upstream for each attempt.
#pragma once

#include <cstdint>
#include <string_view>

namespace llmgw::observe {

/// One request's trace: the trace id (the client's, or a new one), the client's span when it
/// sent a valid traceparent, and the request's own span.
struct TraceContext {
  uint64_t trace_hi = 0, trace_lo = 0;  // 128-bit trace id, never all zero once made
  uint64_t parent_span = 0;             // the client's span id; 0: none came
  uint64_t span = 0;                    // this request's span id
  bool sampled = true;                  // the client's sampled flag (true when none came)
  bool from_client = false;             // a valid traceparent came with the request
};

/// Parses a traceparent value: "VV-<32 hex trace id>-<16 hex parent id>-<2 hex flags>", lower
/// case. Version 00 must be exactly 55 bytes; a later version (not ff) may carry more after a
/// '-' (read as 00, per the spec). An all-zero trace or parent id, upper-case hex, or any other
/// deviation is invalid: false, `out` untouched. Surrounding spaces/tabs (OWS) are allowed.
bool parse_traceparent(std::string_view value, TraceContext& out);

/// The request's trace: from `traceparent` when it is valid, else a new trace id; a new span
/// id either way.
TraceContext trace_for_request(std::string_view traceparent);

/// A random non-zero 64-bit span id (thread-local generator).
uint64_t new_span_id();

/// Writes `n` bytes of `v` (big-endian) as 2n lower-case hex digits to `out`.
void to_hex(uint64_t v, int n, char* out);

/// "00-<trace>-<span>-<flags>" for a span of this trace (55 bytes, into `out`).
void format_traceparent(const TraceContext& trace, uint64_t span, char out[55]);

/// Microseconds of the steady clock (attempt timing).
int64_t steady_us();

}  // namespace llmgw::observe
