#include "frontends/metered_reply.hpp"

#include <algorithm>
#include <cstring>

#include "frontends/stream_terminal.hpp"
#include "policy/budget_estimate.hpp"
#include "pricing/decimal_price.hpp"

namespace llmgw::frontends {
namespace {

/// Where the first complete SSE event of `data` ends (past its blank line: \n\n, \r\r or
/// \r\n\r\n, as RetryGate cuts events), or npos. `has_cr`: `data` holds a '\r' somewhere.
/// Without one (the usual stream) the blank line is found by memchr from line end to line end;
/// a byte loop only for CR line ends (a byte loop on every stream was 2k instructions an event).
std::size_t first_event_end(std::string_view data, bool has_cr) {
  if (!has_cr) {
    const char* const begin = data.data();
    const char* const end = begin + data.size();
    for (const char* p = begin; p < end;) {
      const char* lf = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
      if (!lf || lf + 1 >= end) return std::string_view::npos;
      if (lf[1] == '\n') return static_cast<std::size_t>(lf - begin) + 2;
      p = lf + 1;
    }
    return std::string_view::npos;
  }
  for (std::size_t i = 1; i < data.size(); ++i) {
    if (data[i] != '\n' && data[i] != '\r') continue;
    const char prev = data[i - 1];
    if (prev == '\n' && data[i] == '\n') return i + 1;
    if (prev == '\r' && data[i] == '\r') return i + 1;
    if (data[i] == '\n' && prev == '\r' && i >= 3 && data[i - 2] == '\n' && data[i - 3] == '\r') return i + 1;
  }
  return std::string_view::npos;
}

bool holds_cr(std::string_view data) { return std::memchr(data.data(), '\r', data.size()) != nullptr; }

}  // namespace

llmgw_usage charged_stream_usage(llmgw_usage u, std::int64_t events, bool early, std::string_view body) {
  const bool unknown = u.prompt_tokens < 0 && u.completion_tokens < 0;
  if (events <= 0 || !(unknown || early)) return u;
  if (u.prompt_tokens < 0) u.prompt_tokens = policy::estimate_request(body).prompt_tokens;
  u.completion_tokens = std::max<std::int64_t>(u.completion_tokens, events);
  return u;
}

namespace {

pricing::TokenUsage token_usage(const llmgw_usage& u) {
  return pricing::TokenUsage{u.prompt_tokens, u.completion_tokens, u.cached_tokens, u.cache_creation_tokens,
                             u.reasoning_tokens};
}

constexpr std::string_view kCostField = "x-llmgw-cost";

}  // namespace

void MeteredReply::answer_usage(std::string_view deployment_id, const llmgw_usage& u) {
  inner_->answer_usage(deployment_id, u);
  const pricing::ModelPrice* price = m_.prices ? m_.prices->find(deployment_id) : nullptr;
  if (!price) return;  // no price known: no figure rather than a wrong "0"
  m_.answer_cost_nano = pricing::compute_cost(*price, token_usage(u)).nano_usd();
  inner_->add_header(kCostField, pricing::format_nano_usd(m_.answer_cost_nano));
}

void MeteredReply::json(int status, std::string_view body) {
  if (m_.response && status >= 200 && status < 300) m_.response->read_answer(body);
  inner_->json(status, body);
}

void MeteredReply::stream_usage(std::string_view deployment_id, const llmgw_usage& u) {
  inner_->stream_usage(deployment_id, u);
  stream_price_ = m_.prices ? m_.prices->find(deployment_id) : nullptr;
  stream_usage_ = u;
}

void MeteredReply::begin_stream() {
  began_ = true;
  if (m_.prices && m_.prices->size() > 0 && !inner_->committed()) inner_->declare_trailer(kCostField);
}

void MeteredReply::pass_raw(std::string_view events, bool has_cr) {
  if (!held_.empty()) {  // past the terminal event: held with it
    held_.append(events);
    return;
  }
  const std::size_t at = m_.prices ? terminal_event_at(events, upstream_, has_cr) : std::string_view::npos;
  if (at == std::string_view::npos) return inner_->stream_raw(events);
  if (at > 0) inner_->stream_raw(events.substr(0, at));
  held_.assign(events.substr(at));
}

void MeteredReply::stream_error(const canonical::ApiError& e) {
  if (m_.cut) return;
  if (!held_.empty()) inner_->stream_raw(held_);  // the terminal event came before the failure
  held_.clear();
  inner_->stream_error(e);
}

void MeteredReply::stream_end(bool translated) {
  if (m_.cut) return;
  if (stream_price_ && m_.events > 0) {
    // The figure the ledger row will carry (CallAccount::settle takes it from here).
    const llmgw_usage charged = charged_stream_usage(stream_usage_, m_.events, false, m_.body);
    m_.answer_cost_nano = pricing::compute_cost(*stream_price_, token_usage(charged)).nano_usd();
    inner_->stream_trailer(kCostField, pricing::format_nano_usd(m_.answer_cost_nano));
  }
  if (!held_.empty()) inner_->stream_raw(held_);
  held_.clear();
  inner_->stream_end(translated);
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
  if (!began_) begin_stream();
  if (!m_.cut_enabled) {
    const bool cr = holds_cr(bytes);
    for (std::string_view rest = bytes; !rest.empty(); ++m_.events) {
      const std::size_t end = first_event_end(rest, cr);
      if (end == std::string_view::npos) break;
      if (m_.response) m_.response->read_event(rest.substr(0, end), upstream_);
      rest.remove_prefix(end);
    }
    pass_raw(bytes, cr);
    return;
  }
  // RetryGate hands over whole events only: each is counted, and under cut each goes on alone.
  const bool cr = holds_cr(bytes);
  while (!bytes.empty()) {
    const std::size_t end = first_event_end(bytes, cr);
    const std::string_view event = bytes.substr(0, end == std::string_view::npos ? bytes.size() : end);
    if (cut_now()) return;
    if (m_.response) m_.response->read_event(event, upstream_);
    pass_raw(event, cr);
    ++m_.events;
    bytes.remove_prefix(event.size());
  }
}

void MeteredReply::stream_chunk(std::string_view chunk_json) {
  if (!began_) begin_stream();
  if (cut_now()) return;
  if (m_.response) m_.response->read_chunk(chunk_json);
  inner_->stream_chunk(chunk_json);
  ++m_.events;
}

}  // namespace llmgw::frontends
