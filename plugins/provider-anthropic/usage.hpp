// Anthropic usage ({input_tokens, output_tokens, cache_read_input_tokens,
// cache_creation_input_tokens}) → llmgw_usage and the canonical usage object
// (sdk/CANONICAL.md "Usage": prompt_tokens counts all input tokens, cached ones included).
#pragma once

#include <llmgw/plugin.hpp>

#include <cstdint>
#include <string_view>

namespace llmgw::provider_anthropic {

/// a + b, held at INT64_MAX: counts come from the upstream's JSON, where any int64 is valid.
inline int64_t add_counts(int64_t a, int64_t b) noexcept {
  int64_t sum;
  return __builtin_add_overflow(a, b, &sum) ? INT64_MAX : sum;
}

struct Usage {
  int64_t input = -1;           // input_tokens: not read from nor written to the cache
  int64_t output = -1;          // output_tokens
  int64_t cache_read = -1;      // cache_read_input_tokens
  int64_t cache_creation = -1;  // cache_creation_input_tokens

  bool any() const noexcept { return input >= 0 || output >= 0 || cache_read >= 0 || cache_creation >= 0; }

  /// Sets the field named `key` (an Anthropic usage member); false for other members.
  bool set(std::string_view key, int64_t value) noexcept {
    if (key == "input_tokens") input = value;
    else if (key == "output_tokens") output = value;
    else if (key == "cache_read_input_tokens") cache_read = value;
    else if (key == "cache_creation_input_tokens") cache_creation = value;
    else return false;
    return true;
  }

  /// Reads an Anthropic usage object (a RapidJSON value; anything else gives "not reported").
  template <typename JsonValue>
  static Usage read(const JsonValue& obj) {
    Usage u;
    if (!obj.IsObject()) return u;
    for (auto& m : obj.GetObject())
      if (m.value.IsInt64()) u.set(std::string_view(m.name.GetString(), m.name.GetStringLength()), m.value.GetInt64());
    return u;
  }

  /// Takes every field `later` reports (message_delta's counts are cumulative and win).
  void merge(const Usage& later) noexcept {
    if (later.input >= 0) input = later.input;
    if (later.output >= 0) output = later.output;
    if (later.cache_read >= 0) cache_read = later.cache_read;
    if (later.cache_creation >= 0) cache_creation = later.cache_creation;
  }

  /// input + cache read + cache creation; -1 when input_tokens was never reported.
  int64_t prompt_tokens() const noexcept {
    if (input < 0) return -1;
    return add_counts(add_counts(input, cache_read > 0 ? cache_read : 0), cache_creation > 0 ? cache_creation : 0);
  }

  llmgw_usage to_llmgw() const noexcept {
    llmgw_usage u = unknown_usage();
    u.prompt_tokens = prompt_tokens();
    u.completion_tokens = output;
    u.cached_tokens = cache_read;
    u.cache_creation_tokens = cache_creation;
    return u;
  }

  /// Writes the canonical usage object (unknown counts as 0) with a RapidJSON writer.
  template <typename Writer>
  void write_canonical(Writer& w) const {
    const int64_t prompt = prompt_tokens() > 0 ? prompt_tokens() : 0;
    const int64_t completion = output > 0 ? output : 0;
    w.StartObject();
    w.Key("prompt_tokens");
    w.Int64(prompt);
    w.Key("completion_tokens");
    w.Int64(completion);
    w.Key("total_tokens");
    w.Int64(add_counts(prompt, completion));
    w.Key("prompt_tokens_details");
    w.StartObject();
    w.Key("cached_tokens");
    w.Int64(cache_read > 0 ? cache_read : 0);
    w.EndObject();
    w.Key("cache_creation_input_tokens");
    w.Int64(cache_creation > 0 ? cache_creation : 0);
    w.EndObject();
  }
};

}  // namespace llmgw::provider_anthropic
