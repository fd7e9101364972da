// The governance services a gateway with general_settings.database_url runs: the database
// (migrated at start), the key cache the gatekeeper reads, the ledger writer and the price table
// the spend recorder charges with. Started before the loops, stopped after them. Wiring only.
#pragma once

#include <memory>

#include "config/config.hpp"
#include "policy/key_cache.hpp"
#include "policy/spend_recorder.hpp"
#include "pricing/price_table.hpp"
#include "store/database.hpp"
#include "store/ledger_writer.hpp"

namespace llmgw {

struct Governance {
  std::unique_ptr<store::Database> db;
  std::unique_ptr<policy::KeyCache> keys;
  std::unique_ptr<store::LedgerWriter> ledger;
  pricing::PriceTable prices;
  std::unique_ptr<policy::SpendRecorder> spend;
};

/// Null when the config names no database. Throws (store::StoreError, pricing::PricingError)
/// when the database cannot be opened or migrated or a price file is bad: the gateway does not
/// start half-governed.
std::unique_ptr<Governance> start_governance(const config::Config& cfg);

}  // namespace llmgw
