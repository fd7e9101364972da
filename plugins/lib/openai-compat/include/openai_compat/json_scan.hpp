// One SAX pass over an OpenAI-shaped JSON document (a chat.completion, a chat.completion.chunk,
// an embeddings list): checks that it is well-formed and picks out what the gateway needs for
// spend, limits and stream control, without building a DOM.
#pragma once

#include <llmgw/json_depth.hpp>
#include <llmgw/plugin.h>

#include <cstddef>
#include <string_view>

namespace llmgw::openai_compat {

struct JsonScan {
  /// The document is well-formed JSON (one value, nothing but whitespace after it).
  bool valid = false;
  /// The root value is an object.
  bool root_object = false;
  /// A non-null `usage` object was found at the top level (or Groq's `x_groq.usage`).
  bool has_usage = false;
  /// prompt_tokens, completion_tokens, prompt_tokens_details.cached_tokens (DeepSeek's
  /// prompt_cache_hit_tokens when absent), cache_creation_input_tokens,
  /// completion_tokens_details.reasoning_tokens; -1 where absent.
  llmgw_usage usage{};
  /// A top-level `error` that is an object or a non-empty string, or `"object": "error"`
  /// (vLLM): the document reports a failure.
  bool has_error = false;
  /// Some `choices[i].finish_reason` is a non-empty string.
  bool finish_seen = false;
  /// Arrays and objects nest deeper than the limit: the scan stopped at the first container too
  /// many (`valid` is false, `error_offset` points at its bracket).
  bool too_deep = false;
  /// Byte offset of the syntax error when !valid.
  std::size_t error_offset = 0;
};

/// Scans `doc`, at most `max_depth` levels deep. Two paths, one answer: scan_json_fast first;
/// when it cannot vouch for the document, scan_json_reference (which also words every error).
JsonScan scan_json(std::string_view doc, unsigned max_depth = llmgw::kJsonMaxDepth);

/// The reference scan: rapidjson's SAX reader, in situ over a per-thread copy of `doc` (the
/// reader recurses once per level: the bound keeps a hostile document off the end of the stack).
/// Allocates only RapidJSON's reader stack (for strings that need unescaping).
JsonScan scan_json_reference(std::string_view doc, unsigned max_depth = llmgw::kJsonMaxDepth);

/// The fast scan: one pass over `doc` in place (no copy, no recursion, strings skipped sixteen
/// bytes at a time), driving the reference's own handler. Returns true, `out` filled exactly as
/// scan_json_reference would fill it, only for a valid document it can vouch for; false for
/// anything else — invalid JSON, deeper than 64 levels, a number the reference reads as a double
/// where the scan reads a value or one it could reject as too big, a \u escape in a key or in a
/// value the scan reads — and `out` is then to be discarded. Differential-tested and fuzzed
/// against the reference (tests/fuzz/openai_compat_stream.cpp).
bool scan_json_fast(std::string_view doc, unsigned max_depth, JsonScan& out);

/// True when `text` holds `quoted_key` (e.g. "\"usage\"") followed by ':' and a value other
/// than null. A cheap pre-filter for scan_json: it never misses a real key (except one spelt
/// with \u escapes), and its false positives only cost a scan.
bool has_nonnull_key(std::string_view text, std::string_view quoted_key) noexcept;

/// The stream pre-filter in one pass (memchr from quote to quote): has_nonnull_key(text,
/// "\"usage\"") || has_nonnull_key(text, "\"finish_reason\"") || text holds "\"error\"".
bool stream_event_needs_scan(std::string_view text) noexcept;

}  // namespace llmgw::openai_compat
