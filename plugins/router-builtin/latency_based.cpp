// latency-based-routing: the deployment with the lowest moving-average latency.
#include "limits.hpp"
#include "strategy.hpp"

namespace llmgw::router_builtin {
namespace {

class LatencyBased final : public Strategy {
 public:
  explicit LatencyBased(double buffer) : buffer_(buffer) {}

  std::size_t pick(const Candidates& c, bool stream, PickRandom& rng) const override {
    const bool skip_limited = !all_at_limit(c);
    double best = -1;
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (skip_limited && at_limit(c[i])) continue;
      const double l = latency(c[i], stream);
      if (best < 0 || l < best) best = l;
    }
    // At random among those within the buffer of the best (with no buffer: the best, ties at
    // random).
    const double ceiling = best * (1 + buffer_);
    TieBreak pick(rng);
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (skip_limited && at_limit(c[i])) continue;
      if (latency(c[i], stream) > ceiling) continue;
      if (pick.empty()) pick.reset(i);
      else pick.tie(i);
    }
    return pick.chosen();
  }

 private:
  /// Streams rank by time to first byte when it is known; unknown latency is 0, so that a new
  /// deployment gets tried.
  static double latency(const llmgw_candidate& c, bool stream) noexcept {
    const double l = stream && c.ewma_ttft_ms >= 0 ? c.ewma_ttft_ms : c.ewma_latency_ms;
    return l < 0 ? 0 : l;
  }

  double buffer_;
};

}  // namespace

std::unique_ptr<Strategy> make_latency_based(double buffer) { return std::make_unique<LatencyBased>(buffer); }

}  // namespace llmgw::router_builtin
