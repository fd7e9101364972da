#include <catch2/catch.hpp>

#include "policy/key_admission.hpp"
#include "policy/model_access.hpp"

using namespace llmgw;
using policy::Refusal;

namespace {

constexpr std::int64_t kNow = 1796545815250;  // 2026-12-06T08:30:15Z

store::KeyRecord key() {
  store::KeyRecord k;
  k.key_hash = std::string(64, 'a');
  k.limits.models = {"gpt-4o", "claude-*"};
  return k;
}

}  // namespace

TEST_CASE("model lists: aliases and wildcards", "[policy][models]") {
  using policy::glob_match;
  using policy::model_allowed;
  CHECK(model_allowed({}, "anything"));
  CHECK(model_allowed({"*"}, "anything"));
  CHECK(model_allowed({"all-proxy-models"}, "anything"));
  CHECK(model_allowed({"gpt-4o"}, "gpt-4o"));
  CHECK_FALSE(model_allowed({"gpt-4o"}, "gpt-4o-mini"));
  CHECK(model_allowed({"gpt-4o*"}, "gpt-4o-mini"));
  CHECK(model_allowed({"openai/*"}, "openai/gpt-4o"));
  CHECK_FALSE(model_allowed({"openai/*"}, "anthropic/claude"));
  CHECK(glob_match("*-mini", "gpt-4o-mini"));
  CHECK(glob_match("a*b*c", "aXXbYYc"));
  CHECK_FALSE(glob_match("a*b*c", "aXXbYY"));
  CHECK(glob_match("**", ""));
  // A hostile pattern stays linear.
  CHECK_FALSE(glob_match(std::string(50, '*') + "b", std::string(100000, 'a')));
}

TEST_CASE("a good key is admitted", "[policy][admission]") {
  auto a = policy::admit(key(), nullptr, "gpt-4o", kNow);
  CHECK(a.admitted());
  CHECK(a.status == 200);
  CHECK(policy::admit(key(), nullptr, "claude-sonnet-4-5", kNow).admitted());
}

TEST_CASE("expired and blocked keys are refused with reasons", "[policy][admission]") {
  auto k = key();
  k.expires_at = kNow;
  auto a = policy::admit(k, nullptr, "gpt-4o", kNow);
  CHECK(a.refusal == Refusal::key_expired);
  CHECK(a.status == 401);
  CHECK(a.message == "this key expired at 2026-12-06T08:30:15Z");
  k.expires_at = kNow + 1;
  CHECK(policy::admit(k, nullptr, "gpt-4o", kNow).admitted());
  k.blocked = true;
  a = policy::admit(k, nullptr, "gpt-4o", kNow);
  CHECK(a.refusal == Refusal::key_blocked);
  CHECK(a.status == 403);
}

TEST_CASE("a key's model list and its team's both apply", "[policy][admission]") {
  auto a = policy::admit(key(), nullptr, "gpt-4o-mini", kNow);
  CHECK(a.refusal == Refusal::model_not_allowed);
  CHECK(a.status == 403);
  CHECK(a.message.find("'gpt-4o-mini'") != std::string::npos);
  auto k = key();
  k.team_id = "team-a";
  store::TeamRecord team;
  team.team_id = "team-a";
  team.limits.models = {"claude-*"};
  CHECK(policy::admit(k, &team, "claude-haiku-4-5", kNow).admitted());
  a = policy::admit(k, &team, "gpt-4o", kNow);
  CHECK(a.refusal == Refusal::model_not_allowed);
  CHECK(a.message.find("team") != std::string::npos);
}

TEST_CASE("a missing or blocked team refuses its keys", "[policy][admission]") {
  auto k = key();
  k.team_id = "team-a";
  CHECK(policy::admit(k, nullptr, "gpt-4o", kNow).refusal == Refusal::team_missing);
  store::TeamRecord team;
  team.team_id = "team-a";
  team.blocked = true;
  auto a = policy::admit(k, &team, "gpt-4o", kNow);
  CHECK(a.refusal == Refusal::team_blocked);
  CHECK(a.status == 403);
}

TEST_CASE("budgets: spent until the period resets, key first, then team", "[policy][admission]") {
  auto k = key();
  k.limits.budget_nano_usd = 25'000'000'000;  // $25
  k.limits.budget_period = "monthly";
  k.limits.budget_reset_at = 1798761600000;   // 2027-01-01T00:00:00Z
  k.limits.spend_nano_usd = 24'999'999'999;
  CHECK(policy::admit(k, nullptr, "gpt-4o", kNow).admitted());
  k.limits.spend_nano_usd = 25'000'000'000;
  auto a = policy::admit(k, nullptr, "gpt-4o", kNow);
  CHECK(a.refusal == Refusal::key_budget_spent);
  CHECK(a.status == 429);
  CHECK(a.type == "budget_exceeded");
  CHECK(a.reset_at == 1798761600000);
  CHECK(a.message == "this key's budget of $25 per monthly is spent ($25); it resets at 2027-01-01T00:00:00Z");
  // Once the reset time has passed the spend no longer counts, before any row is rewritten.
  CHECK(policy::admit(k, nullptr, "gpt-4o", 1798761600000).admitted());
  // A zero budget allows nothing; a negative one is "no budget".
  k.limits.spend_nano_usd = 0;
  k.limits.budget_nano_usd = 0;
  CHECK(policy::admit(k, nullptr, "gpt-4o", kNow).refusal == Refusal::key_budget_spent);
  k.limits.budget_nano_usd = -1;
  k.limits.spend_nano_usd = 1'000'000'000'000;
  CHECK(policy::admit(k, nullptr, "gpt-4o", kNow).admitted());

  k.team_id = "team-a";
  store::TeamRecord team;
  team.team_id = "team-a";
  team.limits.budget_nano_usd = 100'000'000'000;
  team.limits.spend_nano_usd = 100'000'000'001;
  a = policy::admit(k, &team, "gpt-4o", kNow);
  CHECK(a.refusal == Refusal::team_budget_spent);
  CHECK(a.message == "this key's team's budget of $100 is spent ($100.000000001); it does not reset");
  CHECK(a.reset_at == 0);
}
