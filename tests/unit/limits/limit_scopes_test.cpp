#include <catch2/catch.hpp>

#include "limits/limit_scopes.hpp"

using namespace llmgw::limits;
using llmgw::store::KeyRecord;
using llmgw::store::TeamRecord;

TEST_CASE("scopes: key, team, per-model limits from the key's metadata; unlimited ones left out") {
  KeyRecord key;
  key.key_hash = "abc";
  key.limits.rpm = 10;
  TeamRecord team;
  team.team_id = "eng";
  team.limits.tpm = 5000;
  team.limits.max_parallel = 3;
  key.metadata_json = R"({"owner":"x","model_rpm_limit":{"gpt-4o":2,"other":7},"model_tpm_limit":{"gpt-4o":100}})";
  Scopes s = resolve_scopes(key, &team, "gpt-4o");
  REQUIRE(s.size() == 3);
  CHECK(s[0].kind == ScopeKind::key);
  CHECK(s[0].id == "key:abc");
  CHECK(s[0].rpm == 10);
  CHECK(s[1].id == "team:eng");
  CHECK(s[1].tpm == 5000);
  CHECK(s[1].parallel == 3);
  CHECK(s[2].id == "model:abc:gpt-4o");
  CHECK(s[2].rpm == 2);
  CHECK(s[2].tpm == 100);
  CHECK(scope_label(s[1]) == "team 'eng'");
  CHECK(scope_label(s[2]) == "this key on model 'gpt-4o'");

  s = resolve_scopes(key, &team, "gpt-4o-mini");  // no per-model limit for this alias
  CHECK(s.size() == 2);
  key.limits = {};
  team.limits = {};
  CHECK(resolve_scopes(key, &team, "unlisted").empty());
  CHECK(resolve_scopes(key, nullptr, "other").size() == 1);
}

TEST_CASE("per-model limits: anything but a positive number is no limit") {
  CHECK(model_limit_from_metadata("{}", "model_rpm_limit", "m") == 0);
  CHECK(model_limit_from_metadata(R"({"model_rpm_limit":{"m":-1}})", "model_rpm_limit", "m") == 0);
  CHECK(model_limit_from_metadata(R"({"model_rpm_limit":{"m":"9"}})", "model_rpm_limit", "m") == 0);
  CHECK(model_limit_from_metadata(R"({"model_rpm_limit":[1]})", "model_rpm_limit", "m") == 0);
  CHECK(model_limit_from_metadata(R"({"model_rpm_limit":{"m":12.0}})", "model_rpm_limit", "m") == 12);
  CHECK(model_limit_from_metadata(R"({"model_rpm_limit":{"m":1e300}})", "model_rpm_limit", "m") == 0);
  CHECK(model_limit_from_metadata(R"({"model_rpm_limit":{"m":3)", "model_rpm_limit", "m") == 0);
}
