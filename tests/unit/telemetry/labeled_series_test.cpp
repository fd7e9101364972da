// The lock-free labeled series table: one slot per label set, also under concurrent first use.
#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <vector>

#include "telemetry/labeled_series.hpp"

using llmgw::telemetry::LabeledSeries;

namespace {
std::string label(const char* prefix, int i) {
  std::string s(prefix);
  s.append(std::to_string(i));
  return s;
}
}  // namespace

TEST_CASE("one slot per (metric, labels); values add up") {
  auto table = std::make_unique<LabeledSeries<2, 16>>();
  auto* a = table->find(1, R"(alias="a")");
  auto* b = table->find(1, R"(alias="b")");
  auto* a2 = table->find(2, R"(alias="a")");
  REQUIRE(a);
  CHECK(a == table->find(1, R"(alias="a")"));
  CHECK(a != b);
  CHECK(a != a2);
  (*a)[0] += 3;
  (*a)[1] += 4;
  int seen = 0;
  table->for_each(1, [&](std::string_view labels, const auto& v) {
    ++seen;
    if (labels == R"(alias="a")") CHECK(v[0] == 3);
  });
  CHECK(seen == 2);
}

TEST_CASE("a full table drops new label sets and counts them") {
  auto table = std::make_unique<LabeledSeries<1, 4>>();
  for (int i = 0; i < 4; ++i) REQUIRE(table->find(1, label("l", i)));
  CHECK(table->find(1, "l9") == nullptr);
  CHECK(table->overflow() == 1);
  CHECK(table->find(1, "l2") != nullptr);  // known sets still found
}

TEST_CASE("threads racing on the same new label sets get one slot each") {
  auto table = std::make_unique<LabeledSeries<1, 256>>();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int round = 0; round < 2000; ++round) {
        auto* v = table->find(1, label("k", round % 50));
        if (v) (*v)[0].fetch_add(1);
      }
    });
  for (auto& t : threads) t.join();
  int slots = 0;
  uint64_t total = 0;
  table->for_each(1, [&](std::string_view, const auto& v) {
    ++slots;
    total += v[0];
  });
  CHECK(slots == 50);
  CHECK(total == 8000);
}
