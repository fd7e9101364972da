// The arguments of the merged settle scripts (policy/settle_batch): each script within the
// connection's argument limit, every call once, in order, each (scope, period) keyed once.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "policy/budget_scripts.hpp"
#include "policy/settle_batch.hpp"

using llmgw::policy::SettleBatch;

TEST_CASE("settle batch: scripts stay within the argument limit and carry every call once, in order") {
  std::vector<SettleBatch::Settle> settles;
  for (int i = 0; i < 40; ++i) {
    SettleBatch::Settle s{"req-" + std::to_string(i), i, 1'000 + i, {"key:k"}, {0}, {}, 0};
    if (i % 2) {
      s.scopes.push_back("team:t");
      s.periods.push_back(7);
    }
    if (i == 5) s.periods[0] = 99;  // another period of the same scope: a group of its own
    if (i == 7) s.hold = "lease:L7", s.hold_part_nano = 70;  // admitted from an admission lease
    settles.push_back(std::move(s));
  }
  const auto scripts = SettleBatch::scripts(settles, {12'345, 6'789}, 64);
  REQUIRE(scripts.size() > 1);
  std::vector<std::string> seen;
  for (const auto& argv : scripts) {
    CHECK(argv.size() <= 64);
    REQUIRE(argv.size() > 5);
    CHECK(argv[0] == "EVAL");
    CHECK(argv[1] == llmgw::policy::settle_budget_script().text);
    const std::size_t nkeys = std::stoul(argv[2]);
    REQUIRE(nkeys % 7 == 0);
    const std::size_t groups = nkeys / 7;
    std::set<std::string> periods;  // each (scope, period) once: its period keys (tot) once
    for (std::size_t g = 0; g < groups; ++g) periods.insert(argv[3 + 7 * g + 3]);
    CHECK(periods.size() == groups);
    std::size_t a = 3 + nkeys;
    CHECK(argv[a] == "12345");
    CHECK(argv[a + 1] == "6789");
    const std::size_t n = std::stoul(argv[a + 2]);
    a += 3;
    for (std::size_t c = 0; c < n; ++c) {
      const std::string& id = argv[a];
      const int i = std::stoi(id.substr(4));
      CHECK(argv[a + 1] == std::to_string(i));          // cost
      CHECK(argv[a + 2] == std::to_string(1'000 + i));  // now
      CHECK(argv[a + 3] == (i == 7 ? "lease:L7" : "-"));  // the hold: a lease's, or its own
      CHECK(argv[a + 4] == (i == 7 ? "70" : "0"));         // its part of a lease's hold
      const std::size_t k = std::stoul(argv[a + 5]);
      CHECK(k == settles[static_cast<std::size_t>(i)].scopes.size());
      for (std::size_t j = 0; j < k; ++j) {
        const std::size_t g = std::stoul(argv[a + 6 + j]);
        CHECK(g >= 1);
        CHECK(g <= groups);
        // The group's first key is this scope's held hash.
        CHECK(argv[3 + 7 * (g - 1)] == llmgw::policy::budget_key(settles[static_cast<std::size_t>(i)].scopes[j], "held"));
      }
      seen.push_back(id);
      a += 6 + k;
    }
    CHECK(a == argv.size());
  }
  REQUIRE(seen.size() == settles.size());
  for (std::size_t i = 0; i < seen.size(); ++i) CHECK(seen[i] == settles[i].request_id);
  // A negative cost goes as 0 (as one call's settle sent it).
  const auto one = SettleBatch::scripts({SettleBatch::Settle{"x", -5, 1, {"key:k"}, {0}, {}, 0}}, {1, 1}, 64);
  REQUIRE(one.size() == 1);
  CHECK(one[0][3 + 7 + 3 + 1] == "0");
}

TEST_CASE("budget scripts: sent compacted (no comment line but the first, no indentation)") {
  for (const auto* s : {&llmgw::policy::settle_budget_script(), &llmgw::policy::commit_budget_script(),
                        &llmgw::policy::reserve_budget_script(), &llmgw::policy::admit_reserve_script()}) {
    CHECK(s->text.substr(0, 9) == "-- llmgw ");
    CHECK(llmgw::limits::lua_compact(s->text) == s->text);
    CHECK(s->text.find("\n--") == std::string_view::npos);
    CHECK(s->text.find("\n ") == std::string_view::npos);
  }
}

TEST_CASE("settle batch: a scope's keys, made once per thread, follow its budget period") {
  // (settle_keys_of keeps a scope's seven keys between batches; a new period makes them again.)
  const auto keys_of = [](std::int64_t period) {
    const auto scripts = SettleBatch::scripts({SettleBatch::Settle{"r", 1, 2, {"key:cached"}, {period}, {}, 0}}, {1, 1}, 64);
    REQUIRE(scripts.size() == 1);
    REQUIRE(scripts[0][2] == "7");
    return std::vector<std::string>(scripts[0].begin() + 3, scripts[0].begin() + 10);
  };
  std::vector<std::string> want;
  llmgw::policy::push_settle_keys(want, "key:cached", 100);
  CHECK(keys_of(100) == want);
  CHECK(keys_of(100) == want);  // from the cache
  want.clear();
  llmgw::policy::push_settle_keys(want, "key:cached", 200);
  CHECK(keys_of(200) == want);  // the next period: not the cached period's keys
  want.clear();
  llmgw::policy::push_settle_keys(want, "key:cached", 100);
  CHECK(keys_of(100) == want);
}
