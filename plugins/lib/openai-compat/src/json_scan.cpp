#include <openai_compat/json_scan.hpp>

#include "find.hpp"
#include "json_scan_handler.hpp"

#include <llmgw/plugin.hpp>

#include <rapidjson/stream.h>
#include <rapidjson/reader.h>

#include <cstring>
#include <cstdint>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace llmgw::openai_compat {

JsonScan scan_json(std::string_view doc, unsigned max_depth) {
  JsonScan out;
  if (scan_json_fast(doc, max_depth, out)) return out;
  return scan_json_reference(doc, max_depth);
}

JsonScan scan_json_reference(std::string_view doc, unsigned max_depth) {
  JsonScan out;
  out.usage = unknown_usage();
  detail::ScanHandler h(out, max_depth);
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
  if (ok.IsError()) {
    out.valid = false;
    // The recursive reader has taken a bracket when it calls the handler: point back at it.
    out.error_offset = out.too_deep && ok.Offset() > 0 ? ok.Offset() - 1 : ok.Offset();
    out.has_usage = out.has_error = out.finish_seen = false;
    out.usage = unknown_usage();
    return out;
  }
  detail::finish_scan(h, out);
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
  // Fixed-size compares (here and in quote_verdict) are inlined as word loads; a string_view
  // compare is a call to memcmp, and these run several times an event.
  return !(text.size() - i >= 4 && std::memcmp(text.data() + i, "null", 4) == 0);
}

}  // namespace

namespace {

enum class Verdict { kScan, kNext, kStop };

/// What the '"' at `i` says: the key of a field that may matter ("error", or "usage" /
/// "finish_reason" with a non-null value) → kScan; too close to the end to start "error" →
/// kStop (every later quote is closer still); anything else → kNext.
Verdict quote_verdict(std::string_view text, std::size_t i) noexcept {
  const std::size_t left = text.size() - i;
  if (left < 7) return Verdict::kStop;  // shorter than "error"
  const char* const at = text.data() + i;
  switch (at[1]) {
    case 'e':
      if (std::memcmp(at, "\"error\"", 7) == 0) return Verdict::kScan;
      break;
    case 'u':
      if (std::memcmp(at, "\"usage\"", 7) == 0 && nonnull_value_after(text, i + 7)) return Verdict::kScan;
      break;
    case 'f':
      if (left >= 15 && std::memcmp(at, "\"finish_reason\"", 15) == 0 && nonnull_value_after(text, i + 15))
        return Verdict::kScan;
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
