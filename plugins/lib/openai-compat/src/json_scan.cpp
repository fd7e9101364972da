#include <openai_compat/json_scan.hpp>

#include "find.hpp"

#include <llmgw/plugin.hpp>

#include <rapidjson/stream.h>
#include <rapidjson/reader.h>

#include <cmath>
#include <cstring>
#include <cstdint>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace llmgw::openai_compat {
namespace {

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

struct Handler : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Handler> {
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

  Handler(JsonScan& o, unsigned max) : out(o), max_depth(static_cast<int>(max)) {}

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

}  // namespace

JsonScan scan_json(std::string_view doc, unsigned max_depth) {
  JsonScan out;
  out.usage = unknown_usage();
  Handler h(out, max_depth);
  // A NUL-terminated copy parsed in situ: rapidjson checks each string where it lies (with its
  // SIMD paths) instead of copying it onto its stack character by character, which costs far
  // more than this one copy. An embedded NUL is invalid JSON anyway, and the parse stops there
  // with an error. The handler's strings point into the copy (only compared, never kept).
  thread_local std::string text;
  // Kept for the next call, unless one large answer made it grow: then it is released, so
  // memory returns near its baseline after the call.
  struct ReleaseAfterPeak {
    ~ReleaseAfterPeak() {
      if (text.capacity() > (std::size_t{1} << 20)) std::string().swap(text);
    }
  } release_after_peak;
  text.assign(doc);
  rapidjson::InsituStringStream ms(text.data());
  rapidjson::Reader reader;
  const rapidjson::ParseResult ok = reader.Parse<rapidjson::kParseInsituFlag>(ms, h);
  out.valid = !ok.IsError();
  if (!out.valid) {
    // The recursive reader has taken a bracket when it calls the handler: point back at it.
    out.error_offset = out.too_deep && ok.Offset() > 0 ? ok.Offset() - 1 : ok.Offset();
    out.has_usage = out.has_error = out.finish_seen = false;
    out.usage = unknown_usage();
    return out;
  }
  if (h.has_top_usage) {
    out.has_usage = true;
    if (out.usage.cached_tokens < 0 && h.cache_hit >= 0) out.usage.cached_tokens = h.cache_hit;
  } else if (h.has_groq_usage) {
    out.has_usage = true;
    out.usage = h.groq;
  }
  return out;
}

namespace {

/// Whether the key token at `at` (just past its closing quote) is followed by ':' and a value
/// other than null (or the text ends first: the scan decides).
bool nonnull_value_after(std::string_view text, std::size_t i) noexcept {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (i < text.size() && space(text[i])) ++i;
  if (i >= text.size() || text[i] != ':') return false;
  ++i;
  while (i < text.size() && space(text[i])) ++i;
  if (i >= text.size()) return true;
  return text.compare(i, 4, "null") != 0;
}

}  // namespace

namespace {

enum class Verdict { kScan, kNext, kStop };

/// What the '"' at `i` says: the key of a field that may matter ("error", or "usage" /
/// "finish_reason" with a non-null value) → kScan; too close to the end to start "error" →
/// kStop (every later quote is closer still); anything else → kNext.
Verdict quote_verdict(std::string_view text, std::size_t i) noexcept {
  const std::string_view rest = text.substr(i);
  if (rest.size() < 7) return Verdict::kStop;  // shorter than "error"
  switch (rest[1]) {
    case 'e':
      if (rest.substr(0, 7) == "\"error\"") return Verdict::kScan;
      break;
    case 'u':
      if (rest.substr(0, 7) == "\"usage\"" && nonnull_value_after(text, i + 7)) return Verdict::kScan;
      break;
    case 'f':
      if (rest.substr(0, 15) == "\"finish_reason\"" && nonnull_value_after(text, i + 15)) return Verdict::kScan;
      break;
    default:
      break;
  }
  return Verdict::kNext;
}

}  // namespace

bool stream_event_needs_scan(std::string_view text) noexcept {
  // Only a quote followed by 'e', 'u' or 'f' can start a key that matters. Where SSE2 is there,
  // 16 bytes at a time are checked for such pairs with a few compares, so the dozens of other
  // quotes in a chunk cost nothing each.
  const char* const p = text.data();
  const std::size_t n = text.size();
  std::size_t i = 0;
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i e = _mm_set1_epi8('e'), u = _mm_set1_epi8('u'), f = _mm_set1_epi8('f');
  for (; i + 17 <= n; i += 16) {
    const __m128i here = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 1));
    const __m128i starts = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(next, e), _mm_cmpeq_epi8(next, u)),
                                        _mm_cmpeq_epi8(next, f));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(here, quote), starts)));
    for (; mask != 0; mask &= mask - 1) {
      const Verdict v = quote_verdict(text, i + static_cast<std::size_t>(__builtin_ctz(mask)));
      if (v != Verdict::kNext) return v == Verdict::kScan;
    }
  }
#endif
  for (; i < n; ++i) {
    if (p[i] != '"') continue;
    const Verdict v = quote_verdict(text, i);
    if (v != Verdict::kNext) return v == Verdict::kScan;
  }
  return false;
}

bool has_nonnull_key(std::string_view text, std::string_view quoted_key) noexcept {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  for (std::size_t at = detail::find(text, quoted_key); at != std::string_view::npos;
       at = detail::find(text, quoted_key, at + 1)) {
    std::size_t i = at + quoted_key.size();
    while (i < text.size() && space(text[i])) ++i;
    if (i >= text.size() || text[i] != ':') continue;
    ++i;
    while (i < text.size() && space(text[i])) ++i;
    if (i >= text.size()) return true;  // cut short: let the scan decide
    if (text.compare(i, 4, "null") != 0) return true;
  }
  return false;
}

}  // namespace llmgw::openai_compat
