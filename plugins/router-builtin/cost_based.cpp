// cost-based-routing: the deployment with the lowest input + output price.
#include "limits.hpp"
#include "strategy.hpp"

namespace llmgw::router_builtin {
namespace {

class CostBased final : public Strategy {
 public:
  std::size_t pick(const Candidates& c, bool, PickRandom& rng) const override {
    const bool skip_limited = !all_at_limit(c);
    TieBreak best(rng);
    double lowest = 0;
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (skip_limited && at_limit(c[i])) continue;
      const double p = price(c[i]);
      if (best.empty() || p < lowest) {
        lowest = p;
        best.reset(i);
      } else if (p == lowest) {
        best.tie(i);
      }
    }
    return best.chosen();
  }

 private:
  /// Input + output USD per million tokens. With neither price known the deployment ranks
  /// after every priced one; with one known, the other counts as 0.
  static double price(const llmgw_candidate& c) noexcept {
    const double in = c.input_price_per_mtok, out = c.output_price_per_mtok;
    if (in < 0 && out < 0) return kUnknown;
    return (in < 0 ? 0 : in) + (out < 0 ? 0 : out);
  }
  static constexpr double kUnknown = 1e300;
};

}  // namespace

std::unique_ptr<Strategy> make_cost_based() { return std::make_unique<CostBased>(); }

}  // namespace llmgw::router_builtin
