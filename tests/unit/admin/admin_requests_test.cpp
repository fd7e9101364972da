#include "admin/admin_requests.hpp"

#include <catch2/catch.hpp>

#include "policy/virtual_key.hpp"

using namespace llmgw;
using namespace llmgw::admin;

namespace {
rapidjson::Document doc(const char* json) {
  rapidjson::Document d;
  d.Parse(json);
  REQUIRE_FALSE(d.HasParseError());
  return d;
}
std::optional<canonical::ApiError> key_error(const char* json) {
  KeyFields f;
  auto d = doc(json);
  return parse_key_fields(d, f);
}
}  // namespace

TEST_CASE("a /key/generate body becomes a key record", "[admin]") {
  auto d = doc(R"({"key_alias":"ci","models":["gpt-4o-mini"],"max_budget":12.5,"budget_duration":"30d",
                   "tpm_limit":1000,"rpm_limit":60,"max_parallel_requests":4,"team_id":"t1",
                   "metadata":{"owner":"ops"},"duration":"1h","blocked":false,"user_id":"u7"})");
  KeyFields f;
  REQUIRE_FALSE(parse_key_fields(d, f));
  store::KeyRecord rec;
  const std::int64_t now = 1'700'000'000'000;
  REQUIRE_FALSE(apply_key_fields(f, now, rec));
  CHECK(rec.name == "ci");
  CHECK(rec.owner == "u7");
  CHECK(rec.team_id == "t1");
  CHECK(rec.limits.models == std::vector<std::string>{"gpt-4o-mini"});
  CHECK(rec.limits.budget_nano_usd == 12'500'000'000);
  CHECK(rec.limits.budget_period == "30d");
  CHECK(rec.limits.budget_reset_at == now + 30LL * 86'400'000);
  CHECK(rec.limits.tpm == 1000);
  CHECK(rec.limits.rpm == 60);
  CHECK(rec.limits.max_parallel == 4);
  CHECK(rec.metadata_json == R"({"owner":"ops"})");
  CHECK(rec.expires_at == now + 3'600'000);
  CHECK_FALSE(rec.blocked);
}

TEST_CASE("an update leaves absent fields alone and null clears", "[admin]") {
  store::KeyRecord rec;
  rec.name = "old";
  rec.limits.rpm = 5;
  rec.limits.budget_nano_usd = 7;
  rec.expires_at = 99;
  auto d = doc(R"({"max_budget":null,"duration":null,"rpm_limit":null})");
  KeyFields f;
  REQUIRE_FALSE(parse_key_fields(d, f));
  REQUIRE_FALSE(apply_key_fields(f, 1000, rec));
  CHECK(rec.name == "old");
  CHECK(rec.limits.budget_nano_usd == -1);
  CHECK(rec.limits.rpm == 0);
  CHECK(rec.expires_at == 0);
}

TEST_CASE("bad key fields are refused with a 400 naming the field", "[admin]") {
  struct Case {
    const char* json;
    const char* param;
  } cases[] = {
      {R"({"max_budget":"10"})", "max_budget"},
      {R"({"max_budget":-1})", "max_budget"},
      {R"({"max_budget":1e12})", "max_budget"},
      {R"({"rpm_limit":1.5})", "rpm_limit"},
      {R"({"rpm_limit":-3})", "rpm_limit"},
      {R"({"tpm_limit":"100"})", "tpm_limit"},
      {R"({"max_parallel_requests":1e13})", "max_parallel_requests"},
      {R"({"models":"gpt-4o"})", "models"},
      {R"({"models":[1]})", "models"},
      {R"({"models":[""]})", "models"},
      {R"({"budget_duration":"fortnightly"})", "budget_duration"},
      {R"({"duration":"forever"})", "duration"},
      {R"({"duration":5})", "duration"},
      {R"({"metadata":[1]})", "metadata"},
      {R"({"blocked":"yes"})", "blocked"},
      {R"({"key_alias":7})", "key_alias"},
      {R"({"team_id":{}})", "team_id"},
  };
  for (const auto& c : cases) {
    INFO(c.json);
    auto e = key_error(c.json);
    REQUIRE(e);
    CHECK(e->status == 400);
    CHECK(e->param == c.param);
    CHECK(e->message.find(c.param) != std::string::npos);
  }
  auto not_object = key_error("[1]");
  REQUIRE(not_object);
  CHECK(not_object->status == 400);
  std::string long_alias = R"({"key_alias":")" + std::string(300, 'a') + "\"}";
  CHECK(key_error(long_alias.c_str()));
}

TEST_CASE("team fields: team_id must be a non-empty string; limits as for keys", "[admin]") {
  TeamFields f;
  auto d = doc(R"({"team_id":"eng","team_alias":"Engineering","models":["gpt-*"],"max_budget":100,"budget_duration":"monthly"})");
  REQUIRE_FALSE(parse_team_fields(d, f));
  store::TeamRecord t;
  apply_team_fields(f, 1'700'000'000'000, t);
  CHECK(t.team_id == "eng");
  CHECK(t.name == "Engineering");
  CHECK(t.limits.budget_nano_usd == 100'000'000'000);
  CHECK(t.limits.budget_reset_at > 1'700'000'000'000);
  TeamFields g;
  auto empty = doc(R"({"team_id":""})");
  CHECK(parse_team_fields(empty, g));
  TeamFields h;
  auto null_id = doc(R"({"team_id":null})");
  CHECK(parse_team_fields(null_id, h));
}

TEST_CASE("lists of keys and required strings", "[admin]") {
  std::vector<std::string> out;
  auto good = doc(R"({"keys":["sk-a","sk-b"]})");
  REQUIRE_FALSE(required_string_list(good, "keys", out));
  CHECK(out.size() == 2);
  for (const char* bad : {R"({})", R"({"keys":[]})", R"({"keys":"sk-a"})", R"({"keys":[null]})"}) {
    std::vector<std::string> o;
    auto d = doc(bad);
    INFO(bad);
    CHECK(required_string_list(d, "keys", o));
  }
  std::string s;
  auto k = doc(R"({"key":""})");
  CHECK(required_string(k, "key", s));
}

TEST_CASE("a key is looked up by its hash, a token by itself", "[admin]") {
  const std::string key = policy::generate_virtual_key();
  const std::string hash = policy::hash_key(key);
  CHECK(key_lookup_hash(key) == hash);
  CHECK(key_lookup_hash(hash) == hash);
  CHECK(key_lookup_hash("not-a-key") == policy::hash_key("not-a-key"));
}

TEST_CASE("times and integers from query strings", "[admin]") {
  CHECK(parse_time("2026-12-06") == 1'796'515'200'000);
  CHECK(parse_time("1700000000000") == 1'700'000'000'000);
  CHECK_FALSE(parse_time("2026-02-30"));
  CHECK_FALSE(parse_time("yesterday"));
  CHECK_FALSE(parse_time("-5"));
  CHECK(parse_int("10", 1, 1000) == 10);
  CHECK_FALSE(parse_int("0", 1, 1000));
  CHECK_FALSE(parse_int("10x", 1, 1000));
  CHECK_FALSE(parse_int("", 1, 1000));
}

TEST_CASE("records render in LiteLLM's names with USD and ISO times, never a key", "[admin]") {
  store::KeyRecord rec;
  rec.key_hash = std::string(64, 'a');
  rec.name = "ci";
  rec.limits.budget_nano_usd = 2'500'000'000;
  rec.limits.spend_nano_usd = 1'234;
  rec.limits.rpm = 60;
  rec.created_at = 1'796'515'200'123;
  const std::string json = key_json(rec);
  CHECK(json.find(R"("token":"aaaa)") != std::string::npos);
  CHECK(json.find(R"("max_budget":2.5)") != std::string::npos);
  CHECK(json.find(R"("spend":0.000001234)") != std::string::npos);
  CHECK(json.find(R"("rpm_limit":60)") != std::string::npos);
  CHECK(json.find(R"("tpm_limit":null)") != std::string::npos);
  CHECK(json.find(R"("expires":null)") != std::string::npos);
  CHECK(json.find(R"("created_at":"2026-12-06T00:00:00.123Z")") != std::string::npos);
  rapidjson::Document d;
  d.Parse(json.c_str());
  CHECK_FALSE(d.HasParseError());
  CHECK_FALSE(d.HasMember("key"));
}
