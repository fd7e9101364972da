#include "governance.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <vector>

#include "canonical/clock.hpp"
#include "policy/redis_reservation_store.hpp"
#include "store/migrations.hpp"

namespace llmgw {
namespace fs = std::filesystem;

pricing::PriceTable load_prices(const config::Config& cfg, bool charging) {
  pricing::PriceTable prices;
  const fs::path shipped = fs::path(cfg.source_path).parent_path() / "model_prices.json";
  std::error_code ec;
  if (fs::is_regular_file(shipped, ec)) prices = pricing::PriceTable::load_file(shipped.string());
  if (!cfg.model_prices_path.empty()) {
    fs::path own = cfg.model_prices_path;
    if (own.is_relative()) own = fs::path(cfg.source_path).parent_path() / own;
    prices.merge(pricing::PriceTable::load_file(own.string()));
  }
  for (const auto& w : prices.warnings()) spdlog::warn("{}", w);
  if (prices.size() == 0 && charging) spdlog::warn("spend: no price table found; every call is charged 0");
  else if (prices.size() == 0) spdlog::info("no price table found: answers carry no x-llmgw-cost");
  return prices;
}

namespace {

std::string spool_path(const config::Config& cfg) {
  if (!cfg.ledger_spool_path.empty()) return cfg.ledger_spool_path;
  if (cfg.database_url.rfind("sqlite:///", 0) == 0) return cfg.database_url.substr(9) + ".spool";
  return (fs::temp_directory_path() / ("llmgw-ledger-" + std::to_string(cfg.server.port) + ".spool")).string();
}

}  // namespace

std::unique_ptr<Governance> start_governance(const config::Config& cfg) {
  std::string url = cfg.database_url;
  if (url.empty())
    if (const char* env = std::getenv("DATABASE_URL")) url = env;  // as LiteLLM reads it
  if (url.empty()) return nullptr;
  auto g = std::make_unique<Governance>();
  g->db = std::make_unique<store::Database>(url);
  {
    Poco::Data::Session session = g->db->open();
    const int version = store::migrate(session, g->db->dialect());
    spdlog::info("governance: database {} at schema version {}", g->db->describe(), version);
  }
  g->keys = std::make_unique<policy::KeyCache>(*g->db);
  if (cfg.redis.enabled()) {
    // The same Redis and round-trip bound as the rate limits (main.cpp: rate_limit_options).
    g->reservations = std::make_unique<policy::RedisReservationStore>(
        limits::RedisEndpoint{cfg.redis.host, cfg.redis.port, cfg.redis.password, cfg.redis.db},
        std::chrono::milliseconds(cfg.rate_limit_redis_timeout_ms));
    spdlog::info("budgets: reservations shared through Redis");
  } else {
    g->reservations = std::make_unique<policy::InMemoryReservationStore>();
  }
  store::LedgerWriterOptions options;
  // A written row's cost is in the stored spend: the reservations stop adding it on top.
  // Each scope's charges are marked with the stamp the database wrote on its row, so that a key
  // cache that read the row counts exactly the commits after it (policy::ScopeBudget).
  options.on_written = [r = g->reservations.get()](const std::vector<store::LedgerRow>& rows,
                                                   const store::SpendStamps& stamps) {
    std::vector<std::string_view> ids;
    ids.reserve(rows.size());
    for (const auto& row : rows) ids.push_back(row.request_id);
    policy::CommitStamps scoped;
    for (const auto& [hash, stamp] : stamps.keys) scoped.emplace("key:" + hash, stamp);
    for (const auto& [team, stamp] : stamps.teams) scoped.emplace("team:" + team, stamp);
    r->committed_many(ids, canonical::unix_ms(), scoped);
  };
  config::Config with_url = cfg;
  with_url.database_url = url;
  options.spool_path = spool_path(with_url);
  g->ledger = std::make_unique<store::LedgerWriter>(*g->db, options);
  g->prices = load_prices(cfg);
  g->spend = std::make_unique<policy::SpendRecorder>(*g->ledger, g->prices);
  spdlog::info("governance: {} virtual keys, {} teams, {} model prices, ledger spool {}",
               g->keys->snapshot()->keys.size(), g->keys->snapshot()->teams.size(), g->prices.size(),
               options.spool_path);
  return g;
}

}  // namespace llmgw
