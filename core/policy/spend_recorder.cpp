#include "policy/spend_recorder.hpp"

#include "canonical/clock.hpp"
#include "pricing/cost.hpp"

namespace llmgw::policy {
namespace {

int64_t known(int64_t n) { return n < 0 ? 0 : n; }

}  // namespace

int64_t SpendRecorder::cost_nano_usd(std::string_view provider, std::string_view model, const llmgw_usage& u) const {
  const pricing::ModelPrice* price = prices_.find(provider, model);
  if (!price) return 0;
  const pricing::TokenUsage usage{u.prompt_tokens, u.completion_tokens, u.cached_tokens, u.cache_creation_tokens,
                                  u.reasoning_tokens};
  return pricing::compute_cost(*price, usage).nano_usd();
}

void SpendRecorder::record(const Caller& caller, const CallRecord& call) {
  if (caller.kind != Caller::Kind::VirtualKey) return;
  store::LedgerRow row;
  row.request_id.assign(call.request_id);
  row.key_hash = caller.key->key_hash;
  row.team_id = caller.key->team_id;
  row.alias.assign(call.alias);
  row.deployment.assign(call.deployment);
  row.provider.assign(call.provider);
  row.input_tokens = known(call.usage.prompt_tokens);
  row.output_tokens = known(call.usage.completion_tokens);
  row.cached_read_tokens = known(call.usage.cached_tokens);
  row.cache_write_tokens = known(call.usage.cache_creation_tokens);
  row.reasoning_tokens = known(call.usage.reasoning_tokens);
  row.cost_nano_usd = call.deployment.empty()     ? 0
                      : call.cost_nano_usd >= 0 ? call.cost_nano_usd
                                                : cost_nano_usd(call.provider, call.model, call.usage);
  row.latency_ms = call.latency_ms;
  row.ttft_ms = call.ttft_ms;
  row.status = call.status;
  row.created_at = canonical::unix_ms();
  writer_.try_push(std::move(row));
}

}  // namespace llmgw::policy
