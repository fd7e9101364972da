// libFuzzer target: the W3C traceparent header a client sends (observe/trace_context), and the
// request trace built from it. Checks: an accepted value has a non-zero trace and parent id and
// formats back to a value that parses to the same ids and flag (version 00, 55 bytes, lower
// case); a refused one leaves the context untouched; trace_for_request always yields a usable
// trace (non-zero ids) whose formatted traceparent parses.
#include "fuzz_util.hpp"
#include "observe/trace_context.hpp"

#include <string_view>

namespace ob = llmgw::observe;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view value(reinterpret_cast<const char*>(data), size);
  ob::TraceContext t;
  t.span = 42;
  if (ob::parse_traceparent(value, t)) {
    FUZZ_REQUIRE((t.trace_hi | t.trace_lo) != 0 && t.parent_span != 0 && t.from_client);
    char out[55];
    ob::format_traceparent(t, t.parent_span, out);
    ob::TraceContext back;
    FUZZ_REQUIRE(ob::parse_traceparent(std::string_view(out, sizeof out), back));
    FUZZ_REQUIRE(back.trace_hi == t.trace_hi && back.trace_lo == t.trace_lo && back.parent_span == t.parent_span &&
                 back.sampled == t.sampled);
  } else {
    FUZZ_REQUIRE(t.trace_hi == 0 && t.trace_lo == 0 && t.parent_span == 0 && t.span == 42 && !t.from_client);
  }
  const ob::TraceContext r = ob::trace_for_request(value);
  FUZZ_REQUIRE((r.trace_hi | r.trace_lo) != 0 && r.span != 0);
  char up[55];
  ob::format_traceparent(r, r.span, up);
  ob::TraceContext parsed;
  FUZZ_REQUIRE(ob::parse_traceparent(std::string_view(up, sizeof up), parsed));
  return 0;
}
