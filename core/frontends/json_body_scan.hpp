// What every front-end's request scan shares: the body checked as UTF-8 in one fast pass, one
// SAX parse with the dialect's handler (stopping at the end of the top-level value), nothing but
// whitespace after it, and the 400s for each failure — worded with the dialect's lead-in
// ("We could not parse the JSON body of your request: " for OpenAI, "The request body is not
// valid JSON: " for Anthropic). The handler keeps its own `error` for the rules it checks.
// A body is first tried on the fast path (fast_json_walk.hpp: simdjson's tape drives the same
// handler); whatever it does not accept is scanned here, with a fresh handler.
#pragma once

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <optional>
#include <string>
#include <string_view>

#include "canonical/api_error.hpp"
#include "frontends/fast_json_walk.hpp"
#include "util/shrink.hpp"
#include "util/utf8.hpp"

namespace llmgw::frontends {

/// The stream a request scan parses: rapidjson's in-situ stream over a copy of the body
/// (scan_copy), so strings are checked where they lie instead of being copied onto rapidjson's
/// stack one character at a time. Offsets (Tell) are the body's. A handler's String and Key
/// arguments point into the copy: valid until the next scan on this thread.
using ScanStream = rapidjson::InsituStringStream;

/// A NUL-terminated copy of `body` for ScanStream, in storage this thread reuses.
inline char* scan_copy(const std::string& body) {
  thread_local std::string scratch;
  util::shrink_after_peak(scratch);
  scratch.assign(body);
  return scratch.data();
}

/// The 400 for nesting past `max_depth`, found at byte `at` (code "json_too_deep").
inline canonical::ApiError json_too_deep(std::string_view lead_in, int max_depth, std::size_t at) {
  return canonical::ApiError::invalid(std::string(lead_in) + "arrays and objects nest deeper than " +
                                          std::to_string(max_depth) + " levels (at byte " + std::to_string(at) + ")",
                                      "", "json_too_deep");
}

/// Scans `body` with a handler from `make_handler` (called once or twice; each call must reset
/// what the handler fills in and return a fresh handler reading positions from `in`). Returns
/// the first failure: invalid UTF-8, the handler's own error, a syntax error, or data after the
/// JSON value. `max_depth` bounds the fast path's parser (the handler checks it too).
template <class MakeHandler>
std::optional<canonical::ApiError> scan_json_body(const std::string& body, ScanStream& in, MakeHandler&& make_handler,
                                                  std::string_view lead_in, unsigned max_depth) {
  using canonical::ApiError;
  if (fast_json::scan(body, make_handler(), in, max_depth)) return std::nullopt;
  // The reference path: decides every body the fast path did not accept, and words the 400.
  in = ScanStream(scan_copy(body));
  auto& handler = make_handler();
  // Encoding first, in one fast pass; the parse then skips rapidjson's per-character checks.
  if (const std::size_t bad = util::invalid_utf8_at(body); bad != body.size())
    return ApiError::invalid(std::string(lead_in) + "invalid UTF-8 (at byte " + std::to_string(bad) + ")");
  rapidjson::Reader reader;
  const auto result = reader.Parse<rapidjson::kParseInsituFlag | rapidjson::kParseStopWhenDoneFlag>(in, handler);
  if (handler.error) return handler.error;
  if (result.IsError())
    return ApiError::invalid(std::string(lead_in) + rapidjson::GetParseError_En(result.Code()) + " (at byte " +
                             std::to_string(result.Offset()) + ")");
  for (std::size_t i = in.Tell(); i < body.size(); ++i) {
    const char c = body[i];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
      return ApiError::invalid(std::string(lead_in) + "data after the JSON object (at byte " + std::to_string(i) + ")");
  }
  return std::nullopt;
}

}  // namespace llmgw::frontends
