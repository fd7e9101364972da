// W3C traceparent: what is honoured, what is refused, and what goes upstream.
#include <catch2/catch.hpp>

#include <string>

#include "observe/trace_context.hpp"

using llmgw::observe::format_traceparent;
using llmgw::observe::parse_traceparent;
using llmgw::observe::to_hex;
using llmgw::observe::trace_for_request;
using llmgw::observe::TraceContext;

namespace {
const std::string kValid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
}

TEST_CASE("a valid traceparent is read, and formatted back for another span") {
  TraceContext t;
  REQUIRE(parse_traceparent(kValid, t));
  CHECK(t.trace_hi == 0x4bf92f3577b34da6ull);
  CHECK(t.trace_lo == 0xa3ce929d0e0e4736ull);
  CHECK(t.parent_span == 0x00f067aa0ba902b7ull);
  CHECK(t.sampled);
  CHECK(t.from_client);
  char out[55];
  format_traceparent(t, 0x00f067aa0ba902b7ull, out);
  CHECK(std::string(out, 55) == kValid);
  format_traceparent(t, 0x1234, out);
  CHECK(std::string(out, 55) == "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000001234-01");
  TraceContext unsampled;
  REQUIRE(parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", unsampled));
  CHECK_FALSE(unsampled.sampled);
  TraceContext padded;
  CHECK(parse_traceparent(" \t" + kValid + " ", padded));
}

TEST_CASE("a later version may carry more fields; version 00 may not") {
  TraceContext t;
  CHECK(parse_traceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds", t));
  CHECK_FALSE(parse_traceparent(kValid + "-x", t));
  CHECK_FALSE(parse_traceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x", t));
}

TEST_CASE("everything the spec refuses is refused, and the context is untouched") {
  const char* bad[] = {
      "",
      "00",
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // version ff
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  // zero trace id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  // zero parent
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  // upper case
      "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e473-600f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
      "0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
  };
  for (const char* v : bad) {
    TraceContext t;
    t.span = 7;
    CHECK_FALSE(parse_traceparent(v, t));
    CHECK(t.trace_hi == 0);
    CHECK(t.span == 7);
  }
}

TEST_CASE("trace_for_request: the client's trace, else a new one; a new span either way") {
  const TraceContext honoured = trace_for_request(kValid);
  CHECK(honoured.from_client);
  CHECK(honoured.parent_span == 0x00f067aa0ba902b7ull);
  CHECK(honoured.span != 0);
  CHECK(honoured.span != honoured.parent_span);
  const TraceContext fresh = trace_for_request("garbage");
  CHECK_FALSE(fresh.from_client);
  CHECK(fresh.parent_span == 0);
  CHECK((fresh.trace_hi | fresh.trace_lo) != 0);
  CHECK(fresh.sampled);
  CHECK(trace_for_request("").trace_lo != trace_for_request("").trace_lo);
  char hex[4];
  to_hex(0xab01, 2, hex);
  CHECK(std::string(hex, 4) == "ab01");
}
