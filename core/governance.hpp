// The governance services a gateway with general_settings.database_url runs: the database
// (migrated at start), the key cache the gatekeeper reads, the ledger writer and the price table
// the spend recorder charges with, the budget reservations. Started before the loops, stopped
// after them. Wiring only.
#pragma once

#include <memory>

#include "config/config.hpp"
#include "policy/key_cache.hpp"
#include "policy/reservation_store.hpp"
#include "policy/spend_recorder.hpp"
#include "pricing/deployment_prices.hpp"
#include "pricing/price_table.hpp"
#include "store/database.hpp"
#include "store/ledger_writer.hpp"

namespace llmgw {

struct Governance {
  std::unique_ptr<store::Database> db;
  std::unique_ptr<policy::KeyCache> keys;
  /// Budget reservations: in Redis for every instance when router_settings configure Redis
  /// (policy/redis_reservation_store), else this instance's. Declared before the ledger writer,
  /// whose thread reports written rows to it.
  std::unique_ptr<policy::ReservationStore> reservations;
  std::unique_ptr<store::LedgerWriter> ledger;
  pricing::PriceTable prices;
  std::unique_ptr<policy::SpendRecorder> spend;
};

/// The price table: the shipped default next to the config file (config/model_prices.json),
/// with the operator's general_settings.model_prices merged over it. Throws PricingError. An
/// empty table is a warning when calls are charged (`charging`: a database), else info.
pricing::PriceTable load_prices(const config::Config& cfg, bool charging = true);

/// Null when the config names no database. Throws (store::StoreError, pricing::PricingError)
/// when the database cannot be opened or migrated or a price file is bad: the gateway does not
/// start half-governed.
std::unique_ptr<Governance> start_governance(const config::Config& cfg);

}  // namespace llmgw
