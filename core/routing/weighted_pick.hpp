// The core's own weighted pick: simple-shuffle when no router plugin implements it, and the
// fallback when a router plugin fails a pick.
#pragma once

#include <llmgw/plugin.h>

#include <cstddef>
#include <cstdint>
#include <span>

namespace llmgw::routing {

/// A uniformly distributed 64-bit value from this thread's generator (seeded once per thread).
uint64_t pick_random() noexcept;

/// The index of a candidate drawn in proportion to its weight using `random`; weight 0 is never
/// drawn unless every weight is 0, and then each is equally likely. `candidates` is non-empty.
std::size_t weighted_pick(std::span<const llmgw_candidate> candidates, uint64_t random) noexcept;

}  // namespace llmgw::routing
