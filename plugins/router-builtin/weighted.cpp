// simple-shuffle / weighted: a random pick in proportion to each deployment's weight.
#include "strategy.hpp"

namespace llmgw::router_builtin {
namespace {

class Weighted final : public Strategy {
 public:
  std::size_t pick(const Candidates& c, bool, PickRandom& rng) const override {
    uint64_t total = 0;
    for (std::size_t i = 0; i < c.size(); ++i) total += c[i].weight;
    if (total == 0) return static_cast<std::size_t>(rng.below(c.size()));
    uint64_t r = rng.below(total);
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (r < c[i].weight) return i;
      r -= c[i].weight;
    }
    return c.size() - 1;  // not reached
  }
};

}  // namespace

std::unique_ptr<Strategy> make_weighted() { return std::make_unique<Weighted>(); }

}  // namespace llmgw::router_builtin
