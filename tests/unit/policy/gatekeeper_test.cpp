// The governance phases of the ingress over a real (SQLite) store: the key cache sees keys and
// teams created, blocked and deleted after its last refresh; the gatekeeper identifies the master
// key and virtual keys (401 otherwise) and admits by expiry, blocks, model access and budget;
// the spend recorder writes one ledger row per virtual-key call, with the exact cost.
#include <catch2/catch.hpp>

#include <chrono>

#include "../store/test_database.hpp"
#include "canonical/clock.hpp"
#include "policy/gatekeeper.hpp"
#include "policy/key_cache.hpp"
#include "policy/key_hash_memo.hpp"
#include "policy/spend_recorder.hpp"
#include "policy/virtual_key.hpp"
#include "pricing/price_table.hpp"
#include "store/key_repository.hpp"
#include "store/ledger_writer.hpp"
#include "store/spend_queries.hpp"
#include "store/team_repository.hpp"

using namespace llmgw;
using policy::Caller;

namespace {

store::KeyRecord key_record(const std::string& key, std::vector<std::string> models = {}, std::string team = {}) {
  store::KeyRecord r;
  r.key_hash = policy::hash_key(key);
  r.name = "test key";
  r.team_id = std::move(team);
  r.limits.models = std::move(models);
  r.created_at = r.updated_at = canonical::unix_ms();
  return r;
}

}  // namespace

TEST_CASE("gatekeeper: master key, virtual keys, and what the cache learns after a refresh") {
  test::MigratedDatabase m = test::migrated_database();
  const std::string alice = policy::generate_virtual_key(), bob = policy::generate_virtual_key();
  store::KeyRepository keys(m.session);
  REQUIRE(keys.create(key_record(alice, {"gpt-4o*"})));
  policy::KeyCache cache(*m.test->db, std::chrono::hours(1));  // refreshed by hand here
  const policy::MasterKeyAuth master("sk-master-1");
  const policy::Gatekeeper gate(master, &cache);
  const int64_t now = canonical::unix_ms();

  Caller c;
  REQUIRE_FALSE(gate.identify_key("sk-master-1", c));
  CHECK(c.kind == Caller::Kind::Master);
  CHECK_FALSE(gate.admit(c, "anything", now));

  REQUIRE_FALSE(gate.identify_key(alice, c));
  CHECK(c.kind == Caller::Kind::VirtualKey);
  CHECK_FALSE(gate.admit(c, "gpt-4o-mini", now));
  auto denied = gate.admit(c, "claude-sonnet", now);
  REQUIRE(denied);
  CHECK(denied->status == 403);
  CHECK(denied->param == "model");

  auto unknown = gate.identify_key(bob, c);  // not created yet
  REQUIRE(unknown);
  CHECK(unknown->status == 401);
  CHECK(gate.identify_key("sk-wrong", c)->status == 401);

  REQUIRE(keys.create(key_record(bob)));
  REQUIRE(keys.set_blocked(policy::hash_key(alice), true, canonical::unix_ms()));
  cache.refresh();
  REQUIRE_FALSE(gate.identify_key(bob, c));
  REQUIRE_FALSE(gate.identify_key(alice, c));
  auto blocked = gate.admit(c, "gpt-4o-mini", now);
  REQUIRE(blocked);
  CHECK(blocked->status == 403);

  // Bob's hash now comes from this thread's memo: his deletion still refuses him at once.
  const auto before = policy::key_hash_memo_stats();
  REQUIRE_FALSE(gate.identify_key(bob, c));
  CHECK(policy::key_hash_memo_stats().hits == before.hits + 1);
  REQUIRE(keys.remove(policy::hash_key(bob), canonical::unix_ms()));
  cache.refresh();
  CHECK(gate.identify_key(bob, c)->status == 401);
  CHECK(policy::key_hash_memo_stats().hits == before.hits + 2);
}

TEST_CASE("gatekeeper: expiry, a blocked team, a spent budget with its reset") {
  test::MigratedDatabase m = test::migrated_database();
  store::KeyRepository keys(m.session);
  store::TeamRepository teams(m.session);
  store::TeamRecord team;
  team.team_id = "team-a";
  team.name = "A";
  team.created_at = team.updated_at = canonical::unix_ms();
  REQUIRE(teams.create(team));
  const std::string expired = policy::generate_virtual_key(), teamed = policy::generate_virtual_key(),
                    spent = policy::generate_virtual_key();
  store::KeyRecord e = key_record(expired);
  e.expires_at = canonical::unix_ms() - 1000;
  REQUIRE(keys.create(e));
  REQUIRE(keys.create(key_record(teamed, {}, "team-a")));
  store::KeyRecord s = key_record(spent);
  s.limits.budget_nano_usd = 1000;
  s.limits.spend_nano_usd = 1000;
  s.limits.budget_period = "daily";
  s.limits.budget_reset_at = canonical::unix_ms() + 3'600'000;
  REQUIRE(keys.create(s));
  policy::KeyCache cache(*m.test->db, std::chrono::hours(1));
  const policy::MasterKeyAuth master("");
  const policy::Gatekeeper gate(master, &cache);
  const int64_t now = canonical::unix_ms();
  Caller c;

  REQUIRE_FALSE(gate.identify_key(expired, c));
  CHECK(gate.admit(c, "m", now)->status == 401);
  REQUIRE_FALSE(gate.identify_key(teamed, c));
  CHECK_FALSE(gate.admit(c, "m", now));
  REQUIRE(teams.set_blocked("team-a", true, canonical::unix_ms()));
  cache.refresh();
  REQUIRE_FALSE(gate.identify_key(teamed, c));
  CHECK(gate.admit(c, "m", now)->status == 403);
  REQUIRE_FALSE(gate.identify_key(spent, c));
  auto over = gate.admit(c, "m", now);
  REQUIRE(over);
  CHECK(over->status == 429);
  CHECK(over->retry_after_ms > 3'000'000);
}

TEST_CASE("gatekeeper: no master key and no store: everyone is admitted anonymously") {
  const policy::MasterKeyAuth master("");
  const policy::Gatekeeper gate(master, nullptr);
  CHECK(gate.master_only());
}

TEST_CASE("spend recorder: one ledger row per virtual-key call, with the exact cost; none for the master key") {
  test::MigratedDatabase m = test::migrated_database();
  const std::string key = policy::generate_virtual_key();
  store::KeyRepository keys(m.session);
  REQUIRE(keys.create(key_record(key)));
  policy::KeyCache cache(*m.test->db, std::chrono::hours(1));
  const policy::MasterKeyAuth master("sk-master-1");
  const policy::Gatekeeper gate(master, &cache);
  // $2.50 / M input, $10 / M output, cache reads $1.25 / M.
  const pricing::PriceTable prices = pricing::PriceTable::parse(R"({"gpt-4o":{"input_cost_per_token":0.0000025,
    "output_cost_per_token":0.00001,"cache_read_input_token_cost":0.00000125,"litellm_provider":"openai"}})");
  store::LedgerWriterOptions options;
  options.spool_path = (m.test->dir.path() / "spool").string();
  store::LedgerWriter writer(*m.test->db, options);
  policy::SpendRecorder spend(writer, prices);

  Caller c;
  REQUIRE_FALSE(gate.identify_key(key, c));
  policy::CallRecord call;
  call.request_id = "req_1";
  call.alias = "gpt";
  call.deployment = "gpt#0";
  call.provider = "openai";
  call.model = "gpt-4o";
  call.usage = llmgw_usage{sizeof(llmgw_usage), 1000, 200, 400, 0, 50};
  call.status = 200;
  call.latency_ms = 12;
  call.ttft_ms = 5;
  spend.record(c, call);
  // 600 uncached input × 2.5 + 400 cached × 1.25 + 200 output × 10 (µ$ per token × 1e-6)
  // = 1500 + 500 + 2000 = 4000 µ$·10⁻³ … in nano-dollars: 4000 × 1000 / 1000 = 4000 n$.
  CHECK(spend.cost_nano_usd("openai", "gpt-4o", call.usage) == 4'000'000);  // $0.004: 600 x 2.5 + 400 x 1.25 + 200 x 10 per M
  Caller master_caller;
  REQUIRE_FALSE(gate.identify_key("sk-master-1", master_caller));
  call.request_id = "req_2";
  spend.record(master_caller, call);
  REQUIRE(writer.flush(std::chrono::seconds(5)));
  const std::vector<store::LedgerRow> rows = store::spend_logs(m.session, store::SpendFilter{});
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].request_id == "req_1");
  CHECK(rows[0].key_hash == policy::hash_key(key));
  CHECK(rows[0].input_tokens == 1000);
  CHECK(rows[0].cached_read_tokens == 400);
  CHECK(rows[0].output_tokens == 200);
  CHECK(rows[0].reasoning_tokens == 50);
  CHECK(rows[0].cost_nano_usd == 4'000'000);
  CHECK(rows[0].ttft_ms == 5);
}
