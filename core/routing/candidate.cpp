#include "routing/candidate.hpp"

#include <algorithm>

namespace llmgw::routing {
namespace {

double us_to_ms(int64_t us) { return us < 0 ? -1.0 : static_cast<double>(us) / 1000.0; }
double per_mtok(double per_token) { return per_token < 0 ? -1.0 : per_token * 1e6; }

}  // namespace

void fill_candidate(llmgw_candidate& out, const config::Deployment& cfg, const DeploymentState& state,
                    int64_t now_unix_ms) noexcept {
  out.struct_size = sizeof(llmgw_candidate);
  out.deployment_id = llmgw_str{cfg.id.data(), cfg.id.size()};
  out.weight = static_cast<uint32_t>(std::max(cfg.weight, 0));
  out.in_flight = state.in_flight.load(std::memory_order_relaxed);
  out.ewma_latency_ms = us_to_ms(state.ewma_latency_us.load(std::memory_order_relaxed));
  out.ewma_ttft_ms = us_to_ms(state.ewma_ttft_us.load(std::memory_order_relaxed));
  out.requests_this_minute = state.requests_in_minute(now_unix_ms);
  out.tokens_this_minute = state.tokens_in_minute(now_unix_ms);
  out.rpm_limit = std::max(cfg.rpm, 0);
  out.tpm_limit = std::max(cfg.tpm, 0);
  out.recent_failures = state.recent_failures.load(std::memory_order_relaxed);
  out.input_price_per_mtok = per_mtok(cfg.input_cost_per_token);
  out.output_price_per_mtok = per_mtok(cfg.output_cost_per_token);
}

}  // namespace llmgw::routing
