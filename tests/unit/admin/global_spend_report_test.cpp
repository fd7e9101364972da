#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include "admin/global_spend_report.hpp"

using namespace llmgw;

namespace {

store::DailySpend cell(std::int64_t day, const char* day_name, const char* team, const char* key, const char* alias,
                       std::int64_t cost) {
  store::DailySpend c;
  c.day = day;
  c.team_id = team;
  c.key_hash = key;
  c.alias = alias;
  c.total.group = day_name;
  c.total.requests = 1;
  c.total.input_tokens = 100;
  c.total.output_tokens = 10;
  c.total.cached_read_tokens = 40;
  c.total.cache_write_tokens = 5;
  c.total.reasoning_tokens = 2;
  c.total.cost_nano_usd = cost;
  return c;
}

const std::vector<store::DailySpend> kCells{
    cell(20793, "2026-12-06", "t1", "k1", "claude", 200'000),
    cell(20793, "2026-12-06", "t1", "k1", "gpt-4o", 101'000),
    cell(20793, "2026-12-06", "t1", "k2", "gpt-4o", 1'000),
    cell(20794, "2026-12-07", "", "k3", "claude", 1'600'000),
};

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  REQUIRE_FALSE(d.HasParseError());
  REQUIRE(d.IsArray());
  return d;
}

}  // namespace

TEST_CASE("global spend report: LiteLLM's day → teams → metadata shape, with the token split") {
  const auto d = parse(admin::global_spend_report_json(kCells, admin::ReportGroup::team));
  REQUIRE(d.Size() == 2);
  CHECK(std::string(d[0]["group_by_day"].GetString()) == "2026-12-06T00:00:00+00:00");
  const auto& teams = d[0]["teams"];
  REQUIRE(teams.Size() == 1);
  CHECK(std::string(teams[0]["team_name"].GetString()) == "t1");
  CHECK(teams[0]["total_spend"].GetDouble() == Approx(0.000302));
  CHECK(teams[0]["requests"].GetInt() == 3);
  CHECK(teams[0]["prompt_tokens"].GetInt() == 300);
  CHECK(teams[0]["completion_tokens"].GetInt() == 30);
  CHECK(teams[0]["total_tokens"].GetInt() == 330);
  CHECK(teams[0]["cached_read_tokens"].GetInt() == 120);
  CHECK(teams[0]["cache_write_tokens"].GetInt() == 15);
  CHECK(teams[0]["reasoning_tokens"].GetInt() == 6);
  const auto& meta = teams[0]["metadata"];
  REQUIRE(meta.Size() == 3);
  CHECK(std::string(meta[0]["model"].GetString()) == "claude");
  CHECK(std::string(meta[0]["api_key"].GetString()) == "k1");
  CHECK(meta[0]["spend"].GetDouble() == Approx(0.0002));
  CHECK(meta[0]["total_tokens"].GetInt() == 110);
  // A call without a team: team_name null.
  CHECK(d[1]["teams"][0]["team_name"].IsNull());
}

TEST_CASE("global spend report: team_name is the team's alias (its id without one), team_id beside it") {
  const admin::TeamNames names{{"t1", "eng"}};
  const auto d = parse(admin::global_spend_report_json(kCells, admin::ReportGroup::team, &names));
  CHECK(std::string(d[0]["teams"][0]["team_name"].GetString()) == "eng");
  CHECK(std::string(d[0]["teams"][0]["team_id"].GetString()) == "t1");
  CHECK(d[1]["teams"][0]["team_name"].IsNull());  // no team: both null
  CHECK(d[1]["teams"][0]["team_id"].IsNull());
  // A team without an alias (or deleted: not in the map) shows its id.
  const admin::TeamNames unnamed{{"t1", ""}};
  const auto u = parse(admin::global_spend_report_json(kCells, admin::ReportGroup::team, &unnamed));
  CHECK(std::string(u[0]["teams"][0]["team_name"].GetString()) == "t1");
  const admin::TeamNames none;
  const auto n = parse(admin::global_spend_report_json(kCells, admin::ReportGroup::team, &none));
  CHECK(std::string(n[0]["teams"][0]["team_name"].GetString()) == "t1");
  // Other groupings carry no team_id at the group level.
  const auto by_key = parse(admin::global_spend_report_json(kCells, admin::ReportGroup::api_key, &names));
  CHECK_FALSE(by_key[0]["api_keys"][0].HasMember("team_id"));
}

TEST_CASE("global spend report: grouped by key and by model") {
  const auto by_key = parse(admin::global_spend_report_json(kCells, admin::ReportGroup::api_key));
  const auto& keys = by_key[0]["api_keys"];
  REQUIRE(keys.Size() == 2);
  CHECK(std::string(keys[0]["api_key"].GetString()) == "k1");
  CHECK(keys[0]["metadata"].Size() == 2);
  CHECK(keys[1]["total_spend"].GetDouble() == Approx(0.000001));
  const auto by_model = parse(admin::global_spend_report_json(kCells, admin::ReportGroup::model));
  const auto& models = by_model[0]["models"];
  REQUIRE(models.Size() == 2);
  CHECK(std::string(models[1]["model"].GetString()) == "gpt-4o");
  CHECK(models[1]["requests"].GetInt() == 2);
  CHECK(models[1]["total_spend"].GetDouble() == Approx(0.000102));
  CHECK(admin::global_spend_report_json({}, admin::ReportGroup::team) == "[]");
}

TEST_CASE("global spend report: group_by names") {
  CHECK(admin::parse_report_group("team") == admin::ReportGroup::team);
  CHECK(admin::parse_report_group("team_id") == admin::ReportGroup::team);
  CHECK(admin::parse_report_group("api_key") == admin::ReportGroup::api_key);
  CHECK(admin::parse_report_group("key") == admin::ReportGroup::api_key);
  CHECK(admin::parse_report_group("model") == admin::ReportGroup::model);
  CHECK_FALSE(admin::parse_report_group("customer"));
  CHECK_FALSE(admin::parse_report_group(""));
}
