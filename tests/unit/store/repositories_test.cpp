#include <catch2/catch.hpp>

#include "store/key_repository.hpp"
#include "store/team_repository.hpp"
#include "test_database.hpp"

using namespace llmgw;

namespace {

store::KeyRecord sample_key(const std::string& hash, std::int64_t created) {
  store::KeyRecord k;
  k.key_hash = hash;
  k.name = "ci-bot";
  k.owner = "alice@example.com";
  k.team_id = "team-a";
  k.limits.models = {"gpt-4o", "claude-*"};
  k.limits.rpm = 300;
  k.limits.tpm = 100000;
  k.limits.max_parallel = 4;
  k.limits.budget_nano_usd = 25'000'000'000;  // $25
  k.limits.budget_period = "monthly";
  k.limits.budget_reset_at = 1'767'225'600'000;
  k.expires_at = 1'800'000'000'000;
  k.metadata_json = R"({"env":"ci"})";
  k.created_at = created;
  k.updated_at = created;
  return k;
}

}  // namespace

TEST_CASE("keys: create, get, update, block, list, delete", "[store][db]") {
  auto m = test::migrated_database();
  store::KeyRepository keys(m.session);
  const std::string hash(64, 'a');
  const auto k = sample_key(hash, 1000);
  CHECK(keys.create(k));
  CHECK_FALSE(keys.create(k));  // the same hash twice: refused, nothing changed

  auto got = keys.get(hash);
  REQUIRE(got);
  CHECK(got->name == "ci-bot");
  CHECK(got->owner == "alice@example.com");
  CHECK(got->team_id == "team-a");
  CHECK(got->limits.models == std::vector<std::string>{"gpt-4o", "claude-*"});
  CHECK(got->limits.rpm == 300);
  CHECK(got->limits.tpm == 100000);
  CHECK(got->limits.max_parallel == 4);
  CHECK(got->limits.budget_nano_usd == 25'000'000'000);
  CHECK(got->limits.budget_period == "monthly");
  CHECK(got->limits.budget_reset_at == 1'767'225'600'000);
  CHECK(got->limits.spend_nano_usd == 0);
  CHECK(got->expires_at == 1'800'000'000'000);
  CHECK(got->metadata_json == R"({"env":"ci"})");
  CHECK_FALSE(got->blocked);
  CHECK(got->created_at == 1000);

  auto changed = *got;
  changed.name = "renamed";
  changed.limits.models = {};
  changed.limits.rpm = 10;
  changed.updated_at = 2000;
  CHECK(keys.update(changed));
  got = keys.get(hash);
  REQUIRE(got);
  CHECK(got->name == "renamed");
  CHECK(got->limits.models.empty());
  CHECK(got->limits.rpm == 10);
  CHECK(got->created_at == 1000);
  CHECK(got->updated_at == 2000);

  CHECK(keys.set_blocked(hash, true, 3000));
  CHECK(keys.get(hash)->blocked);
  CHECK(keys.get(hash)->updated_at == 3000);
  CHECK(keys.set_blocked(hash, false, 4000));
  CHECK_FALSE(keys.get(hash)->blocked);

  CHECK(keys.create(sample_key(std::string(64, 'b'), 500)));
  auto other = sample_key(std::string(64, 'c'), 1500);
  other.team_id = "team-b";
  other.owner = "bob@example.com";
  CHECK(keys.create(other));
  auto all = keys.list();
  REQUIRE(all.size() == 3);
  CHECK(all[0].key_hash == std::string(64, 'b'));  // oldest first
  CHECK(all[1].key_hash == hash);
  store::KeyQuery by_team, by_owner, second;
  by_team.team_id = "team-b";
  by_owner.owner = "alice@example.com";
  second.limit = 1;
  second.offset = 1;
  CHECK(keys.list(by_team).size() == 1);
  CHECK(keys.list(by_owner).size() == 2);
  auto page = keys.list(second);
  REQUIRE(page.size() == 1);
  CHECK(page[0].key_hash == hash);

  CHECK(keys.remove(hash, 6000));
  CHECK_FALSE(keys.remove(hash, 6001));
  CHECK_FALSE(keys.get(hash));
  CHECK_FALSE(keys.update(changed));
  CHECK_FALSE(keys.set_blocked(hash, true, 5000));
}

TEST_CASE("keys: text with quotes and UTF-8 is stored as given", "[store][db]") {
  auto m = test::migrated_database();
  store::KeyRepository keys(m.session);
  auto k = sample_key(std::string(64, 'd'), 1);
  k.name = "O'Brien \"quoted\" ; DROP TABLE keys; -- é 日本";
  k.limits.models = {"a\"b", "c\\d"};
  REQUIRE(keys.create(k));
  auto got = keys.get(k.key_hash);
  REQUIRE(got);
  CHECK(got->name == k.name);
  CHECK(got->limits.models == k.limits.models);
}

TEST_CASE("teams: create, get, update, block, list, delete", "[store][db]") {
  auto m = test::migrated_database();
  store::TeamRepository teams(m.session);
  store::TeamRecord t;
  t.team_id = "team-a";
  t.name = "Platform";
  t.limits.models = {"gpt-4o"};
  t.limits.rpm = 1000;
  t.limits.budget_nano_usd = 100'000'000'000;
  t.limits.budget_period = "weekly";
  t.created_at = t.updated_at = 10;
  CHECK(teams.create(t));
  CHECK_FALSE(teams.create(t));
  auto got = teams.get("team-a");
  REQUIRE(got);
  CHECK(got->name == "Platform");
  CHECK(got->limits.models == std::vector<std::string>{"gpt-4o"});
  CHECK(got->limits.rpm == 1000);
  CHECK(got->limits.budget_nano_usd == 100'000'000'000);
  CHECK(got->limits.budget_period == "weekly");
  got->limits.tpm = 5;
  got->updated_at = 20;
  CHECK(teams.update(*got));
  CHECK(teams.get("team-a")->limits.tpm == 5);
  CHECK(teams.set_blocked("team-a", true, 30));
  CHECK(teams.get("team-a")->blocked);
  store::TeamRecord t2 = t;
  t2.team_id = "team-b";
  t2.created_at = 5;
  CHECK(teams.create(t2));
  auto all = teams.list();
  REQUIRE(all.size() == 2);
  CHECK(all[0].team_id == "team-b");
  CHECK(teams.remove("team-a", 40));
  CHECK_FALSE(teams.remove("team-a", 41));
  CHECK_FALSE(teams.get("team-a"));
  CHECK(teams.list().size() == 1);
}

TEST_CASE("remove_all: every key and team of the list, or none of them", "[store][db]") {
  auto m = test::migrated_database();
  store::KeyRepository keys(m.session);
  store::TeamRepository teams(m.session);
  const std::string a(64, 'a'), b(64, 'b'), missing(64, 'f');
  REQUIRE(keys.create(sample_key(a, 1)));
  REQUIRE(keys.create(sample_key(b, 2)));
  CHECK_FALSE(keys.remove_all({a, missing, b}, 10));  // one missing: rolled back
  CHECK(keys.get(a));
  CHECK(keys.get(b));
  CHECK(keys.changes_since(0).deleted.empty());       // no tombstone either
  CHECK(keys.remove_all({a, b}, 11));
  CHECK_FALSE(keys.get(a));
  CHECK_FALSE(keys.get(b));
  CHECK(keys.changes_since(0).deleted.size() == 2);

  store::TeamRecord t;
  t.team_id = "team-x";
  t.created_at = t.updated_at = 1;
  REQUIRE(teams.create(t));
  t.team_id = "team-y";
  REQUIRE(teams.create(t));
  CHECK_FALSE(teams.remove_all({"team-x", "team-gone"}, 20));
  CHECK(teams.get("team-x"));
  CHECK(teams.remove_all({"team-x", "team-y"}, 21));
  CHECK(teams.list().empty());
}

TEST_CASE("change feeds: what was created, changed or deleted since a time", "[store][db]") {
  auto m = test::migrated_database();
  store::KeyRepository keys(m.session);
  const std::string a(64, '1'), b(64, '2'), c(64, '3');
  REQUIRE(keys.create(sample_key(a, 100)));
  REQUIRE(keys.create(sample_key(b, 200)));
  REQUIRE(keys.create(sample_key(c, 300)));
  REQUIRE(keys.set_blocked(a, true, 400));
  REQUIRE(keys.remove(b, 500));

  auto since_250 = keys.changes_since(250);
  REQUIRE(since_250.changed.size() == 2);
  CHECK(since_250.changed[0].key_hash == c);  // ordered by updated_at: c (300), a (400)
  CHECK(since_250.changed[1].key_hash == a);
  CHECK(since_250.changed[1].blocked);
  CHECK(since_250.deleted == std::vector<std::string>{b});
  auto since_600 = keys.changes_since(600);
  CHECK(since_600.changed.empty());
  CHECK(since_600.deleted.empty());

  // A key created again under a deleted hash is no longer reported deleted.
  REQUIRE(keys.create(sample_key(b, 700)));
  CHECK(keys.changes_since(0).deleted.empty());
  REQUIRE(keys.remove(b, 800));
  REQUIRE(keys.remove(c, 900));
  CHECK(keys.prune_deleted(850) == 1);
  CHECK(keys.changes_since(0).deleted == std::vector<std::string>{c});

  store::TeamRepository teams(m.session);
  store::TeamRecord t;
  t.team_id = "team-x";
  t.created_at = t.updated_at = 10;
  REQUIRE(teams.create(t));
  REQUIRE(teams.remove("team-x", 20));
  auto tc = teams.changes_since(15);
  CHECK(tc.changed.empty());
  CHECK(tc.deleted == std::vector<std::string>{"team-x"});
  CHECK(teams.prune_deleted(21) == 1);
}
