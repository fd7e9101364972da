// The runtime snapshot: everything a config reload replaces, built as one immutable whole —
// the plugins loaded for that config, the gateway (model table: aliases, pools, deployments,
// fallbacks; the routing strategy), the guardrail chain, the sinks, and the deployment prices
// with the accounting that charges by them. A RuntimeSlot holds the one that serves new
// requests; each request takes it once, at its start, and holds it until it ends (streams
// included), so a swap never changes what a running call uses, and the old snapshot is
// destroyed when its last request is done — on the slot's retire thread, never on an event loop
// (destroying one stops its sinks and credential renewals, which may wait).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "frontends/call_accounting.hpp"
#include "guard/guard_chain.hpp"
#include "loader/registry.hpp"
#include "pipeline/gateway.hpp"
#include "pricing/deployment_prices.hpp"
#include "telemetry/telemetry.hpp"

namespace llmgw::frontends {

struct Runtime {
  // Declared first, destroyed last: the plugin libraries outlive every instance made from them.
  std::unique_ptr<loader::Registry> registry;
  std::unique_ptr<pipeline::Gateway> gateway;
  std::unique_ptr<guard::GuardChain> guards;        // null: no guardrails
  std::unique_ptr<telemetry::Telemetry> telemetry;  // the sinks: entries (never null)
  pricing::DeploymentPrices prices;
  Accounting accounting;  // accounting.prices points at `prices`
  /// Stops the sinks (each flushes what is queued, within 2 s).
  ~Runtime();
};

class RuntimeSlot {
 public:
  RuntimeSlot();
  /// Retires what is still held (close() first when serving stopped).
  ~RuntimeSlot();
  RuntimeSlot(const RuntimeSlot&) = delete;
  RuntimeSlot& operator=(const RuntimeSlot&) = delete;

  /// The snapshot serving now (null before the first publish). One atomic load: call once per
  /// request, at its start, and keep the pointer until the request ends.
  std::shared_ptr<const Runtime> current() const { return current_.load(std::memory_order_acquire); }
  /// Makes `next` the snapshot new requests take and returns the one it replaces (null at the
  /// first). Whoever drops the last reference to a published snapshot hands it to the retire
  /// thread, which destroys it.
  std::shared_ptr<const Runtime> publish(std::unique_ptr<Runtime> next);
  /// Drops the current snapshot and waits (up to `wait_ms`) until every retired one is
  /// destroyed. Call once the event loops stopped. A snapshot still held after that (a stream
  /// the drain cut off, not yet unwound) is destroyed later by the retire thread, left running.
  void close(int64_t wait_ms = 5000);

 private:
  /// Shared with the retire thread and every snapshot's deleter, so either may outlive the slot.
  struct Retirement {
    std::mutex mutex;
    std::condition_variable wake;   // the retire thread: work, or closing
    std::condition_variable done;   // close(): the last snapshot was destroyed
    std::deque<const Runtime*> queue;
    std::size_t alive = 0;  // published snapshots not yet destroyed
    bool closing = false;
  };
  static void run_retirer(std::shared_ptr<Retirement> r);

  std::atomic<std::shared_ptr<const Runtime>> current_;
  std::shared_ptr<Retirement> retirement_;
  std::thread retirer_;
};

}  // namespace llmgw::frontends
