// Internal helpers shared by the Anthropic codecs: a RapidJSON writer over std::string, the
// finish-reason and id mappings, and canonical usage → Anthropic usage arithmetic.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <llmgw/json_depth.hpp>

#include <rapidjson/document.h>
#include <rapidjson/writer.h>

namespace llmgw::frontends::anthropic::detail {

/// Parses `json` into `doc` within `max_depth`, with RapidJSON's full-precision number parsing
/// (numbers survive translation exactly) — unless the text holds a run of 32 or more number
/// characters ([0-9.eE+-]) or an exponent of three or more digits. RapidJSON 1.1.0's
/// full-precision slow path overflows an int, or steps outside its table of powers of ten, and
/// reads far outside it on such numbers (crashes, found by fuzzing: a 100-digit number; and
/// -922337.03685473943e-338, whose exponent less its fraction digits falls below the table); no
/// number a model API sends looks like either, so those texts parse with the default (fast,
/// nearly exact) path.
template <unsigned ExtraFlags = 0>
llmgw::JsonResult parse_numbers_exactly(rapidjson::Document& doc, std::string_view json, unsigned max_depth) {
  std::size_t run = 0;
  bool long_run = false;
  std::size_t exponent_digits = 0;
  bool in_exponent = false;
  for (const char c : json) {
    const bool digit = c >= '0' && c <= '9';
    const bool number_char = digit || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
    run = number_char ? run + 1 : 0;
    if (c == 'e' || c == 'E') {
      in_exponent = true;
      exponent_digits = 0;
    } else if (!number_char) {
      in_exponent = false;
    } else if (in_exponent && digit && ++exponent_digits >= 3) {
      long_run = true;
      break;
    }
    if (run >= 32) {
      long_run = true;
      break;
    }
  }
  if (long_run) return llmgw::parse_bounded<ExtraFlags>(doc, json, max_depth);
  return llmgw::parse_bounded<ExtraFlags | rapidjson::kParseFullPrecisionFlag>(doc, json, max_depth);
}

/// RapidJSON output stream appending to a std::string (no intermediate buffer).
struct StringOut {
  using Ch = char;
  std::string& s;
  void Put(char c) { s.push_back(c); }
  void Flush() {}
};
using JsonWriter = rapidjson::Writer<StringOut>;

/// Member `name` of `v` if `v` is an object and has it, else nullptr.
const rapidjson::Value* member(const rapidjson::Value& v, const char* name);
/// String member or `fallback`.
std::string_view string_member(const rapidjson::Value& v, const char* name, std::string_view fallback = {});
/// Integer member (any JSON number, truncated) or `fallback`.
int64_t int_member(const rapidjson::Value& v, const char* name, int64_t fallback);

inline void write_string(JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
inline void write_key(JsonWriter& w, std::string_view s) {
  w.Key(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

/// "key": "value".
inline void write_kv(JsonWriter& w, const char* key, std::string_view value) {
  w.Key(key);
  write_string(w, value);
}
// Accept() walks a value recursively (one call per level): every value written back out here
// comes from a Document parsed with llmgw::parse_bounded, so the walk is as shallow as the limit.

/// Copies `block.cache_control` when it is an object.
void copy_cache_control(JsonWriter& w, const rapidjson::Value& block);

/// Compact JSON text of a value (e.g. a tool input object → arguments string).
std::string compact_json(const rapidjson::Value& v);

/// Anthropic message id for a canonical id: kept when it starts with "msg_", else "msg_" + id.
std::string message_id(std::string_view canonical_id);

/// Anthropic stop_reason for a canonical finish_reason. Unknown or empty → "end_turn".
/// `stop_sequence_set`: the choice carried a stop_sequence (→ "stop_sequence" for "stop").
std::string_view stop_reason(std::string_view finish_reason, bool stop_sequence_set);

/// Canonical usage numbers (-1 = not reported).
struct Usage {
  bool seen = false;
  int64_t prompt_tokens = -1;
  int64_t completion_tokens = -1;
  int64_t cached_tokens = -1;           // prompt_tokens_details.cached_tokens
  int64_t cache_creation_tokens = -1;   // cache_creation_input_tokens

  /// Reads a canonical `usage` object; leaves *this untouched when `v` is not an object.
  void read(const rapidjson::Value& v);
  /// prompt − cached − cache creation, never below 0.
  int64_t input_tokens() const;
  int64_t output_tokens() const { return completion_tokens < 0 ? 0 : completion_tokens; }
  int64_t cache_read() const { return cached_tokens < 0 ? 0 : cached_tokens; }
  int64_t cache_creation() const { return cache_creation_tokens < 0 ? 0 : cache_creation_tokens; }
};

/// Writes {"input_tokens":…,"cache_creation_input_tokens":…,"cache_read_input_tokens":…,"output_tokens":…}.
void write_usage(JsonWriter& w, const Usage& u);

}  // namespace llmgw::frontends::anthropic::detail
