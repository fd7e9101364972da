// least-busy: the deployment with the fewest calls in flight.
#include "strategy.hpp"

namespace llmgw::router_builtin {
namespace {

class LeastBusy final : public Strategy {
 public:
  std::size_t pick(const Candidates& c, bool, PickRandom& rng) const override {
    TieBreak best(rng);
    uint32_t fewest = 0;
    for (std::size_t i = 0; i < c.size(); ++i) {
      const uint32_t n = c[i].in_flight;
      if (best.empty() || n < fewest) {
        fewest = n;
        best.reset(i);
      } else if (n == fewest) {
        best.tie(i);
      }
    }
    return best.chosen();
  }
};

}  // namespace

std::unique_ptr<Strategy> make_least_busy() { return std::make_unique<LeastBusy>(); }

}  // namespace llmgw::router_builtin
