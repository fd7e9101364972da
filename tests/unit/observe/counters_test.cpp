// Counters: registration rules, capacity, and lock-free adds from many threads.
#include <catch2/catch.hpp>

#include "observe/counters.hpp"

#include <memory>
#include <string>
#include <thread>
#include <vector>

using llmgw::observe::CounterView;
using llmgw::observe::Counters;

TEST_CASE("counters: one handle per (plugin, name), 0 for invalid names") {
  Counters counters;
  const uint32_t a = counters.register_counter("provider-a", "requests", "help");
  CHECK(a == 1);
  CHECK(counters.register_counter("provider-a", "requests", "other help") == a);  // another instance
  CHECK(counters.register_counter("provider-b", "requests", "help") == 2);        // another plugin
  std::string why;
  CHECK(counters.register_counter("provider-a", "", "", &why) == 0);
  CHECK(counters.register_counter("provider-a", "9lives", "", &why) == 0);
  CHECK(counters.register_counter("provider-a", "with-dash", "", &why) == 0);
  CHECK(counters.register_counter("provider-a", std::string(101, 'x'), "", &why) == 0);
  CHECK(why.find("invalid counter name") != std::string::npos);
  CHECK(counters.size() == 2);
}

TEST_CASE("counters: the table is fixed-size and says so when full") {
  auto counters = std::make_unique<Counters>();
  for (std::size_t i = 0; i < Counters::kCapacity; ++i)
    REQUIRE(counters->register_counter("p", std::string("c").append(std::to_string(i)), "") == i + 1);
  std::string why;
  CHECK(counters->register_counter("p", "one_more", "", &why) == 0);
  CHECK(why == "counter table full (1024 counters)");
  counters->add(Counters::kCapacity, 7);
  CHECK(counters->value(Counters::kCapacity) == 7);
}

TEST_CASE("counters: concurrent adds are exact, and for_each reads while registering") {
  Counters counters;
  const uint32_t h = counters.register_counter("provider-a", "tokens", "Tokens seen");
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100000; ++i) counters.add(h, 2);
    });
  }
  threads.emplace_back([&] {
    for (int i = 0; i < 200; ++i) counters.register_counter("provider-b", std::string("c").append(std::to_string(i)), "");
  });
  uint64_t last = 0;
  for (int i = 0; i < 1000; ++i) {
    counters.for_each_counter([&](const CounterView& c) {
      if (c.name == "tokens") {
        CHECK(c.value >= last);
        last = c.value;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(counters.value(h) == 8 * 100000 * 2);
  CHECK(counters.size() == 201);
}
