// Host-side implementations of the provider output tables (llmgw_request_out,
// llmgw_result_out, llmgw_event_out): they collect what a provider hook writes.
#pragma once

#include <llmgw/plugin.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "canonical/api_error.hpp"
#include "pipeline/reply.hpp"

namespace llmgw::pipeline {

/// Collects the upstream request encode_request describes. Meant to be reused (one per thread):
/// reset() keeps the strings' storage, so a steady stream of calls allocates nothing here.
struct RequestCollector {
  std::string method = "POST";
  std::string url;
  HeaderList headers;        // the first header_count entries are this call's
  std::size_t header_count = 0;
  std::string body;
  bool use_call_body = false;
  void reset() {
    method.assign("POST");
    url.clear();
    header_count = 0;
    body.clear();
    use_call_body = false;
  }
  void add_header(std::string_view name, std::string_view value) {
    if (header_count == headers.size()) headers.emplace_back();
    headers[header_count].first.assign(name);
    headers[header_count].second.assign(value);
    ++header_count;
  }
  llmgw_request_out table();
};

/// Collects what decode_response writes.
struct ResultCollector {
  std::string body;
  bool use_upstream_body = false;
  std::optional<llmgw_usage> usage;
  std::optional<canonical::ApiError> error;
  llmgw_result_out table();
};

/// Forwards stream events to the client's Reply as they come.
struct EventForwarder {
  explicit EventForwarder(Reply& r) : reply(r) {}
  Reply& reply;
  bool translated = false;   // emit_chunk was used
  bool raw_bytes_sent = false;  // emit_raw was used
  std::size_t events = 0;       // emits of any kind (a stream that emits nothing is watched)
  std::optional<llmgw_usage> usage;
  std::optional<canonical::ApiError> error;
  llmgw_event_out table();
};

/// Maps a provider's classified error to the answer the client gets.
canonical::ApiError to_api_error(const llmgw_error& e);

/// Copies a usage record, honouring its struct_size (older plugins send shorter ones).
llmgw_usage copy_usage(const llmgw_usage* u);

}  // namespace llmgw::pipeline
