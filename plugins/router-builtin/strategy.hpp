// The strategies of router-builtin: each picks one candidate index from the live statistics
// the core hands in. Strategies are immutable after construction and called concurrently.
#pragma once

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>

#include <cstddef>
#include <memory>

namespace llmgw::router_builtin {

/// One routing strategy. pick() runs on every request thread at once: no state, no locks, no
/// allocation. `candidates` is never empty; the result is an index into it.
class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual std::size_t pick(const Candidates& candidates, bool stream, PickRandom& rng) const = 0;
};

/// simple-shuffle / weighted: random in proportion to weight (weight 0 never, unless every
/// weight is 0: then uniformly).
std::unique_ptr<Strategy> make_weighted();
/// least-busy: the fewest calls in flight; ties at random.
std::unique_ptr<Strategy> make_least_busy();
/// latency-based-routing: the lowest moving-average latency (time to first byte for streams
/// when known); unknown latency counts as best. `buffer` >= 0: at random among those within
/// (1 + buffer) × the best. Deployments at their rpm/tpm limit only when all are.
std::unique_ptr<Strategy> make_latency_based(double buffer);
/// usage-based-routing(-v2): the most rpm/tpm headroom; deployments at a limit only when all are.
std::unique_ptr<Strategy> make_usage_based();
/// cost-based-routing: the lowest input + output price per token; unpriced deployments last.
/// Deployments at their rpm/tpm limit only when all are.
std::unique_ptr<Strategy> make_cost_based();

}  // namespace llmgw::router_builtin
