// The core's weighted pick (simple-shuffle without a plugin, and the fallback).
#include <catch2/catch.hpp>

#include <random>
#include <thread>
#include <vector>

#include "routing/weighted_pick.hpp"

using namespace llmgw::routing;

namespace {
std::vector<llmgw_candidate> weights(std::initializer_list<uint32_t> ws) {
  std::vector<llmgw_candidate> out;
  for (uint32_t w : ws) {
    llmgw_candidate c{};
    c.struct_size = sizeof c;
    c.weight = w;
    out.push_back(c);
  }
  return out;
}

std::vector<double> shares(const std::vector<llmgw_candidate>& c, int rounds) {
  std::vector<double> n(c.size(), 0);
  for (int i = 0; i < rounds; ++i) n[weighted_pick(c, pick_random())] += 1.0 / rounds;
  return n;
}
}  // namespace

TEST_CASE("weighted_pick: in proportion to the weights") {
  const auto s = shares(weights({3, 1}), 40000);
  CHECK(s[0] == Approx(0.75).margin(0.015));
  CHECK(s[1] == Approx(0.25).margin(0.015));
}

TEST_CASE("weighted_pick: weight 0 never, unless all are 0") {
  const auto s = shares(weights({0, 2, 0}), 5000);
  CHECK(s[0] == 0);
  CHECK(s[1] == Approx(1.0));
  const auto all_zero = shares(weights({0, 0}), 8000);
  CHECK(all_zero[0] == Approx(0.5).margin(0.03));
}

TEST_CASE("pick_random: different values on every call and on every thread") {
  const uint64_t a = pick_random(), b = pick_random();
  CHECK(a != b);
  uint64_t other = a;
  std::thread([&] { other = pick_random(); }).join();
  CHECK(other != a);
  CHECK(other != b);
}
