// One-pass SAX scans that read a few fields without building a document:
//   - scan_message: a Messages response body or stream event → its "type", usage (top-level
//     "usage", or "message.usage" in message_start) and "error" {type, message};
//   - scan_request: a canonical request → what decoding its answer needs
//     (stream_options.include_usage, and the json_schema response_format's tool name).
// Both check that the input is valid JSON, nested at most llmgw::kJsonMaxDepth deep (the
// reader recurses once per level; the bound stops a hostile document at once).
#pragma once

#include "usage.hpp"

#include <string>
#include <string_view>

namespace llmgw::provider_anthropic {

struct MessageScan {
  bool valid = false;        // well-formed JSON, at most llmgw::kJsonMaxDepth deep
  bool too_deep = false;     // arrays and objects nest deeper than llmgw::kJsonMaxDepth
  bool root_object = false;  // ... whose root is an object
  std::string type;          // top-level "type" ("message", "message_start", "error", …)
  Usage usage;               // "usage" or "message.usage"
  bool has_error = false;    // a top-level "error" object
  std::string error_type;
  std::string error_message;
};

MessageScan scan_message(std::string_view json);

/// The value of `json`'s "type" member when it is the object's first member (Anthropic writes
/// every event that way: {"type":"content_block_delta",…}); empty otherwise, or when the value
/// has an escape. A fast path in front of scan_message: when it is not empty it equals
/// scan_message(json).type for any valid JSON.
std::string_view leading_type(std::string_view json) noexcept;

struct RequestFacts {
  bool include_usage = false;   // stream_options.include_usage == true
  bool json_schema = false;     // response_format.type == "json_schema"
  std::string json_tool_name;   // the forced tool's name when json_schema is set
};

/// Cheap for the common request: the SAX pass runs only when the body mentions
/// "include_usage" or "json_schema" at all.
RequestFacts scan_request(std::string_view canonical_body);

}  // namespace llmgw::provider_anthropic
