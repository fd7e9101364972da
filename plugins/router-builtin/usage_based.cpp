// usage-based-routing(-v2): the deployment with the most rpm / tpm headroom this minute.
#include "limits.hpp"
#include "strategy.hpp"

namespace llmgw::router_builtin {
namespace {

class UsageBased final : public Strategy {
 public:
  std::size_t pick(const Candidates& c, bool, PickRandom& rng) const override {
    const bool skip_limited = !all_at_limit(c);
    TieBreak best(rng);
    const llmgw_candidate* b = nullptr;
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (skip_limited && at_limit(c[i])) continue;
      const int order = b ? compare(c[i], *b) : -1;
      if (order < 0) {
        best.reset(i);
        b = &c[i];
      } else if (order == 0) {
        best.tie(i);
      }
    }
    return best.chosen();
  }

 private:
  /// Negative when `x` has more headroom than `y`: a lower used fraction of its limits, then
  /// (as when no limits are set) fewer tokens, then fewer requests this minute.
  static int compare(const llmgw_candidate& x, const llmgw_candidate& y) noexcept {
    const double fx = used_fraction(x), fy = used_fraction(y);
    if (fx != fy) return fx < fy ? -1 : 1;
    if (x.tokens_this_minute != y.tokens_this_minute) return x.tokens_this_minute < y.tokens_this_minute ? -1 : 1;
    if (x.requests_this_minute != y.requests_this_minute) return x.requests_this_minute < y.requests_this_minute ? -1 : 1;
    return 0;
  }
};

}  // namespace

std::unique_ptr<Strategy> make_usage_based() { return std::make_unique<UsageBased>(); }

}  // namespace llmgw::router_builtin
