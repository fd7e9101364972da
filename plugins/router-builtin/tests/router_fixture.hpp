// router-builtin's tests drive the exported vtable as the core does (llmgw::testing).
#pragma once

#include <llmgw/plugin.h>
#include <llmgw/testing.hpp>

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

extern "C" const llmgw_plugin* llmgw_plugin_entry_v1(void);

namespace llmgw::router_builtin::test {

using llmgw::testing::idle_candidate;
using llmgw::testing::RouterInstance;
using CandidateList = std::vector<llmgw_candidate>;

/// An instance of `strategy` with `args_json`; the test fails when create() does.
inline std::unique_ptr<RouterInstance> router(const std::string& strategy, const std::string& args_json = "{}") {
  auto r = std::make_unique<RouterInstance>(llmgw::testing::router_vtable(llmgw_plugin_entry_v1()),
                                            R"({"strategy":")" + strategy + R"(","args":)" + args_json + "}");
  INFO(r->error);
  REQUIRE(r->rc == LLMGW_OK);
  return r;
}

/// The index of one pick; the test fails when the pick does.
inline std::size_t pick(RouterInstance& r, const CandidateList& c, uint64_t random, bool stream = false) {
  const auto p = r.pick(c, random, stream);
  REQUIRE(p.rc == LLMGW_OK);
  REQUIRE(p.index < c.size());
  return p.index;
}

/// Fraction of `rounds` picks that chose each candidate.
inline std::vector<double> shares(RouterInstance& r, const CandidateList& c, int rounds, bool stream = false) {
  const std::vector<int> counts = r.histogram(c, rounds, stream);
  std::vector<double> out;
  for (int n : counts) out.push_back(static_cast<double>(n) / rounds);
  return out;
}

}  // namespace llmgw::router_builtin::test
