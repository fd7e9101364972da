// The SAX handler both of scan_json's paths drive (json_scan.cpp: rapidjson's reader, the
// reference; json_scan_fast.cpp: the hand-written one-pass scanner): what the scan looks for is
// written once, here. Private to the library.
#pragma once

#include <openai_compat/json_scan.hpp>

#include <llmgw/plugin.hpp>

#include <rapidjson/reader.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string_view>

namespace llmgw::openai_compat::detail {

/// What a container is, as far as the scan cares.
enum class Kind : uint8_t { kOther, kRoot, kUsage, kPromptDetails, kCompletionDetails, kXGroq, kChoices, kChoice };

/// What the value after the current key means.
enum class Role : uint8_t {
  kNone,
  kUsage, kXGroq, kXGroqUsage, kChoices, kError, kObject,            // containers / markers
  kPromptTokens, kCompletionTokens, kCachedTokens, kCacheHitTokens,  // token counts
  kCacheCreationTokens, kReasoningTokens, kPromptDetails, kCompletionDetails,
  kFinishReason
};

struct ScanHandler : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, ScanHandler> {
  static constexpr int kMaxTracked = 32;
  struct Frame {
    Kind kind;
    llmgw_usage* usage;  // the usage a kUsage / k*Details frame writes into
  };

  JsonScan& out;
  const int max_depth;
  llmgw_usage groq = unknown_usage();
  int64_t cache_hit = -1;
  bool has_top_usage = false, has_groq_usage = false;
  Frame stack[kMaxTracked];
  int depth = 0;
  Role pending = Role::kNone;

  ScanHandler(JsonScan& o, unsigned max) : out(o), max_depth(static_cast<int>(max)) {}

  /// The value about to come is one the scan reads (a count, a finish reason, an error, ...).
  bool reading() const { return pending != Role::kNone; }

  Kind top() const { return depth > 0 && depth <= kMaxTracked ? stack[depth - 1].kind : Kind::kOther; }
  llmgw_usage* top_usage() const { return depth > 0 && depth <= kMaxTracked ? stack[depth - 1].usage : nullptr; }

  void push(Kind k, llmgw_usage* u) {
    if (depth < kMaxTracked) stack[depth] = Frame{k, u};
    ++depth;
  }

  bool Start(bool array) {
    if (depth >= max_depth) return out.too_deep = true, false;
    const Role r = pending;
    pending = Role::kNone;
    const Kind parent = top();
    if (depth == 0) {
      out.root_object = !array;
      push(array ? Kind::kOther : Kind::kRoot, nullptr);
      return true;
    }
    if (array) {
      push(r == Role::kChoices ? Kind::kChoices : Kind::kOther, nullptr);
      return true;
    }
    switch (r) {
      case Role::kUsage: has_top_usage = true, push(Kind::kUsage, &out.usage); break;
      case Role::kXGroqUsage: has_groq_usage = true, push(Kind::kUsage, &groq); break;
      case Role::kXGroq: push(Kind::kXGroq, nullptr); break;
      case Role::kPromptDetails: push(Kind::kPromptDetails, top_usage()); break;
      case Role::kCompletionDetails: push(Kind::kCompletionDetails, top_usage()); break;
      case Role::kError: out.has_error = true, push(Kind::kOther, nullptr); break;
      default: push(parent == Kind::kChoices ? Kind::kChoice : Kind::kOther, nullptr); break;
    }
    return true;
  }
  bool StartObject() { return Start(false); }
  bool StartArray() { return Start(true); }
  bool EndObject(rapidjson::SizeType) { return --depth, pending = Role::kNone, true; }
  bool EndArray(rapidjson::SizeType) { return --depth, pending = Role::kNone, true; }

  bool Key(const char* s, rapidjson::SizeType n, bool) {
    const std::string_view k(s, n);
    pending = Role::kNone;
    switch (top()) {
      case Kind::kRoot:
        if (k == "usage") pending = Role::kUsage;
        else if (k == "choices") pending = Role::kChoices;
        else if (k == "error") pending = Role::kError;
        else if (k == "object") pending = Role::kObject;
        else if (k == "x_groq") pending = Role::kXGroq;
        break;
      case Kind::kUsage:
        if (k == "prompt_tokens") pending = Role::kPromptTokens;
        else if (k == "completion_tokens") pending = Role::kCompletionTokens;
        else if (k == "prompt_tokens_details") pending = Role::kPromptDetails;
        else if (k == "completion_tokens_details") pending = Role::kCompletionDetails;
        else if (k == "cache_creation_input_tokens") pending = Role::kCacheCreationTokens;
        else if (k == "prompt_cache_hit_tokens" && top_usage() == &out.usage) pending = Role::kCacheHitTokens;
        break;
      case Kind::kPromptDetails:
        if (k == "cached_tokens") pending = Role::kCachedTokens;
        break;
      case Kind::kCompletionDetails:
        if (k == "reasoning_tokens") pending = Role::kReasoningTokens;
        break;
      case Kind::kXGroq:
        if (k == "usage") pending = Role::kXGroqUsage;
        break;
      case Kind::kChoice:
        if (k == "finish_reason") pending = Role::kFinishReason;
        break;
      default:
        break;
    }
    return true;
  }

  void count(int64_t v) {
    const Role r = pending;
    pending = Role::kNone;
    llmgw_usage* u = top_usage();
    if (v < 0) v = -1;
    switch (r) {
      case Role::kPromptTokens: if (u) u->prompt_tokens = v; break;
      case Role::kCompletionTokens: if (u) u->completion_tokens = v; break;
      case Role::kCachedTokens: if (u) u->cached_tokens = v; break;
      case Role::kCacheCreationTokens: if (u) u->cache_creation_tokens = v; break;
      case Role::kReasoningTokens: if (u) u->reasoning_tokens = v; break;
      case Role::kCacheHitTokens: cache_hit = v; break;
      default: break;
    }
  }
  bool Int(int v) { return count(v), true; }
  bool Uint(unsigned v) { return count(v), true; }
  bool Int64(int64_t v) { return count(v), true; }
  bool Uint64(uint64_t v) {
    return count(v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
                     ? std::numeric_limits<int64_t>::max() : static_cast<int64_t>(v)),
           true;
  }
  bool Double(double v) {
    return count(std::isfinite(v) && v >= 0 && v < 9e18 ? static_cast<int64_t>(std::llround(v)) : -1), true;
  }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    const Role r = pending;
    pending = Role::kNone;
    if (r == Role::kFinishReason && n > 0) out.finish_seen = true;
    else if (r == Role::kError && n > 0) out.has_error = true;
    else if (r == Role::kObject && std::string_view(s, n) == "error") out.has_error = true;
    return true;
  }
  // null, booleans and any other value just consume the pending key.
  bool Default() { return pending = Role::kNone, true; }
};


/// What a valid document's scan found, once the handler has seen all of it: the top-level usage
/// (DeepSeek's cache hits when it names no cached tokens), else Groq's.
inline void finish_scan(const ScanHandler& h, JsonScan& out) {
  out.valid = true;
  if (h.has_top_usage) {
    out.has_usage = true;
    if (out.usage.cached_tokens < 0 && h.cache_hit >= 0) out.usage.cached_tokens = h.cache_hit;
  } else if (h.has_groq_usage) {
    out.has_usage = true;
    out.usage = h.groq;
  }
}

}  // namespace llmgw::openai_compat::detail
