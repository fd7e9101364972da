#include <catch2/catch.hpp>

#include <algorithm>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "frontends/request_id.hpp"

using llmgw::frontends::new_request_id;

TEST_CASE("request ids: req_ and 32 hex digits, the time first, then random bits", "[frontends][request_id]") {
  const std::int64_t t = 1'765'000'000'123;  // 0x19af...: 12 hex digits
  const std::string id = new_request_id(t);
  CHECK(std::regex_match(id, std::regex("^req_[0-9a-f]{32}$")));
  CHECK(id.substr(4, 12) == "019af232b27b");
  // The same millisecond: different ids, none sorting before an id of an earlier millisecond.
  std::set<std::string> same;
  for (int i = 0; i < 1000; ++i) same.insert(new_request_id(t));
  CHECK(same.size() == 1000);
  const std::string earlier = new_request_id(t - 1);
  CHECK(std::all_of(same.begin(), same.end(), [&](const std::string& s) { return earlier < s; }));
  // Ids of later calls sort after (the ledger's unique index takes them at its end).
  std::vector<std::string> ids;
  for (std::int64_t ms = t; ms < t + 5000; ms += 7) ids.push_back(new_request_id(ms));
  CHECK(std::is_sorted(ids.begin(), ids.end()));
}
