// The ingress's accounting phase (9): one spend-ledger row per call — who called (key, team),
// what was called (alias, deployment, provider), the canonical usage split into input, output,
// cache-read, cache-write and reasoning tokens, its exact cost from the price table, latency,
// time to first token and the status answered — handed to the ledger writer without blocking (a
// full queue drops the row and counts it: the request never waits for the database).
#pragma once

#include <llmgw/plugin.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "policy/gatekeeper.hpp"
#include "pricing/price_table.hpp"
#include "store/ledger_writer.hpp"

namespace llmgw::policy {

/// One finished call, as the ingress knows it.
struct CallRecord {
  std::string_view request_id;
  std::string_view alias;
  std::string_view deployment;   // empty: no deployment was called
  std::string_view provider;
  std::string_view model;        // the upstream model
  llmgw_usage usage{};
  int status = 0;
  int64_t latency_ms = 0;
  int64_t ttft_ms = -1;
  int64_t cost_nano_usd = -1;    // the cost already computed (deployment prices); -1: from the table
};

class SpendRecorder {
 public:
  /// `writer` and `prices` must outlive the recorder.
  SpendRecorder(store::LedgerWriter& writer, const pricing::PriceTable& prices) : writer_(writer), prices_(prices) {}

  /// The cost of `usage` on `provider`/`model` in nano-dollars (0 when the model has no price).
  int64_t cost_nano_usd(std::string_view provider, std::string_view model, const llmgw_usage& usage) const;
  /// Writes the ledger row of a call made with a virtual key (master-key and anonymous calls
  /// are not charged to anyone and leave no row).
  void record(const Caller& caller, const CallRecord& call);

 private:
  store::LedgerWriter& writer_;
  const pricing::PriceTable& prices_;
};

}  // namespace llmgw::policy
