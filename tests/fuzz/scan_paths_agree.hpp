// The request scans' two paths agree (core/frontends/fast_json_walk.hpp): the fast path
// (simdjson's tape driving the dialect's handler) and the reference path (rapidjson) give the
// same answer for every body — the same refusal, worded the same, or the same findings.
#pragma once
#include "fuzz_util.hpp"
#include "frontends/fast_json_walk.hpp"

#include <cstdio>
#include <optional>
#include <string>

namespace fuzz {

/// Runs `scan(info)` with the fast path off, then on; aborts if they differ. Returns the fast
/// path's answer (what the gateway gives), `info` filled by it.
template <class Info, class Scan>
auto scan_both_paths(Info& info, Scan&& scan) {
  namespace fj = llmgw::frontends::fast_json;
  fj::set_enabled(false);
  Info reference;
  const auto expected = scan(reference);
  fj::set_enabled(true);
  auto got = scan(info);
  if (expected.has_value() != got.has_value() || (got && got->message != expected->message) ||
      (!got && !(info == reference))) {
    std::fprintf(stderr, "fast path: %s\nreference: %s\n", got ? got->message.c_str() : "accepted",
                 expected ? expected->message.c_str() : "accepted");
    FUZZ_REQUIRE(!"the fast and reference scan paths disagree");
  }
  return got;
}

}  // namespace fuzz
