// Test support for the providers' libFuzzer targets (plugins/provider-*/tests/fuzz_decode.cpp; not
// for plugin code): the input cut as a socket might hand it over, a canonical chat call, a stream
// decoder fed whole or in pieces, and the properties every codec's target checks — a decoder
// answers JSON or a classified error, an encoder a request or a line for the client, a stream
// reaches the same outcome however its bytes are cut.
#pragma once

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>
#include <llmgw/testing.hpp>

#include <rapidjson/document.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <vector>

namespace llmgw::plugin_util::testing {

/// Aborts (a crash for libFuzzer) when `ok` is false.
inline void fuzz_require(bool ok) {
  if (!ok) std::abort();
}

/// `input` cut every 1 + `every` % 64 bytes, the first cut after `first` % 64 bytes.
inline std::vector<std::string_view> cut_pieces(std::string_view input, uint8_t every, uint8_t first) {
  const std::size_t step = 1 + every % 64;
  std::vector<std::string_view> pieces;
  for (std::size_t at = 0, next = std::min<std::size_t>(first % 64, input.size()); at < input.size();
       at = next, next = std::min(next + step, input.size()))
    pieces.push_back(input.substr(at, next - at));
  return pieces;
}

/// An LLMGW_OP_CHAT call in the canonical dialect (the views must outlive it).
inline llmgw_call chat_call(std::string_view body, std::string_view model, bool stream) {
  llmgw_call c{};
  c.struct_size = sizeof c;
  c.operation = LLMGW_OP_CHAT;
  c.body_dialect = LLMGW_DIALECT_OPENAI_CHAT;
  c.client_dialect = LLMGW_DIALECT_OPENAI_CHAT;
  c.body = str(body);
  c.model = str(model);
  c.stream = stream ? 1 : 0;
  return c;
}

/// Feeds `pieces` to a stream decoder (feed(bytes, out) / close(out)) until a final status, then
/// closes it unless it ended: what it wrote and how it ended.
template <typename Stream>
llmgw::testing::RecordedEvents feed_stream(Stream& s, const std::vector<std::string_view>& pieces) {
  llmgw::testing::RecordedEvents ev;
  const llmgw_event_out out = ev.out();
  llmgw_status st = LLMGW_NEED_MORE;
  for (std::string_view p : pieces) {
    st = s.feed(p, out);
    if (st != LLMGW_NEED_MORE) break;
  }
  if (st == LLMGW_NEED_MORE) st = s.close(out);
  ev.final_status = st;
  return ev;
}

/// Two runs of a stream decoder ended alike: the same status and chunks, an error in
/// both or neither.
inline bool same_events(const llmgw::testing::RecordedEvents& a, const llmgw::testing::RecordedEvents& b) {
  return a.final_status == b.final_status && a.chunks == b.chunks && a.error.has_value() == b.error.has_value();
}

/// The same usage (or none in both).
inline bool same_usage(const std::optional<llmgw_usage>& a, const std::optional<llmgw_usage>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || (a->prompt_tokens == b->prompt_tokens && a->completion_tokens == b->completion_tokens &&
                a->cached_tokens == b->cached_tokens && a->cache_creation_tokens == b->cache_creation_tokens &&
                a->reasoning_tokens == b->reasoning_tokens);
}

/// `decode(call, response, out)` of `body` under `status` answered OK with a body that is a JSON
/// object (or the upstream's own body, use_upstream_body), or LLMGW_ERROR with a classified error.
template <typename Decode>
bool decode_holds(Decode&& decode, const llmgw_call& call, std::string_view body, int status) {
  llmgw::testing::RecordedResult r;
  const llmgw_result_out out = r.out();
  const llmgw_upstream_response resp{sizeof resp, status, nullptr, 0, str(body)};
  r.rc = decode(call, resp, out);
  if (r.rc != LLMGW_OK) return r.rc == LLMGW_ERROR && r.error.has_value();
  if (r.use_upstream_body) return true;
  rapidjson::Document d;
  d.Parse(r.body.data(), r.body.size());
  return !d.HasParseError() && d.IsObject();
}

/// `encode(call, out, error)` wrote a request, or refused with a line for the client.
template <typename Encode>
bool encode_holds(Encode&& encode, const llmgw_call& call) {
  llmgw::testing::RecordedRequest req;
  const llmgw_request_out out = req.out();
  llmgw_writer err = req.error_writer();
  req.rc = encode(call, out, &err);
  return req.rc == LLMGW_OK || !req.error.empty();
}

}  // namespace llmgw::plugin_util::testing
