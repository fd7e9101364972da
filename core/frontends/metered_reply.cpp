#include "frontends/metered_reply.hpp"

#include "policy/budget_estimate.hpp"
#include "pricing/decimal_price.hpp"

namespace llmgw::frontends {
namespace {

/// Where the first complete SSE event of `data` ends (past its blank line), or npos.
std::size_t first_event_end(std::string_view data) {
  for (std::size_t i = 1; i < data.size(); ++i) {
    if (data[i] != '\n' && data[i] != '\r') continue;
    const char prev = data[i - 1];
    if (prev == '\n' && data[i] == '\n') return i + 1;
    if (prev == '\r' && data[i] == '\r') return i + 1;
    if (data[i] == '\n' && prev == '\r' && i >= 3 && data[i - 2] == '\n' && data[i - 3] == '\r') return i + 1;
  }
  return std::string_view::npos;
}

}  // namespace

void MeteredReply::answer_usage(std::string_view deployment_id, const llmgw_usage& u) {
  inner_->answer_usage(deployment_id, u);
  const pricing::ModelPrice* price = m_.prices ? m_.prices->find(deployment_id) : nullptr;
  if (!price) return;  // no price known: no figure rather than a wrong "0"
  const pricing::TokenUsage usage{u.prompt_tokens, u.completion_tokens, u.cached_tokens, u.cache_creation_tokens,
                                  u.reasoning_tokens};
  m_.answer_cost_nano = pricing::compute_cost(*price, usage).nano_usd();
  inner_->add_header("x-llmgw-cost", pricing::format_nano_usd(m_.answer_cost_nano));
}

bool MeteredReply::cut_now() {
  if (m_.cut) return true;
  if (!m_.cut_enabled || !m_.price) return false;
  if (policy::streamed_cost_nano(*m_.price, m_.prompt_tokens, m_.events) < m_.headroom_nano) return false;
  m_.cut = true;
  inner_->stream_error(m_.cut_error);
  return true;
}

void MeteredReply::stream_raw(std::string_view bytes) {
  if (!m_.cut_enabled) {
    for (std::string_view rest = bytes; !rest.empty(); ++m_.events) {
      const std::size_t end = first_event_end(rest);
      if (end == std::string_view::npos) break;
      rest.remove_prefix(end);
    }
    inner_->stream_raw(bytes);
    return;
  }
  // RetryGate hands over whole events only: each is counted, and under cut each goes on alone.
  while (!bytes.empty()) {
    const std::size_t end = first_event_end(bytes);
    const std::string_view event = bytes.substr(0, end == std::string_view::npos ? bytes.size() : end);
    if (cut_now()) return;
    inner_->stream_raw(event);
    ++m_.events;
    bytes.remove_prefix(event.size());
  }
}

void MeteredReply::stream_chunk(std::string_view chunk_json) {
  if (cut_now()) return;
  inner_->stream_chunk(chunk_json);
  ++m_.events;
}

}  // namespace llmgw::frontends
