// scan_json's fast path: one pass over the document in place, driving the reference's handler
// (json_scan_handler.hpp) with the events rapidjson's reader would send, in the same order. It
// follows rapidjson's grammar (no comments, no trailing commas, no NaN) and gives up — returns
// false, so the reference decides and words the error — wherever it could differ from it:
//   - anything invalid, or a document nested deeper than kMaxDepth;
//   - a number with a fraction or an exponent where the handler reads a value (rapidjson hands
//     it a rounded double), an integer of more than 18 digits, an exponent above 308 (rapidjson
//     may refuse those as too big);
//   - a \u escape in a key, or in a value the handler reads.
// Strings are handed over as they stand, escapes included: the handler only compares keys with
// plain lower-case names and values with "error" or the empty string, and an escape other than
// \u can neither make nor unmake such a match (it stands for a quote, a slash, a backslash or
// a control character, and takes at least two bytes for one).
#include <openai_compat/json_scan.hpp>

#include "json_scan_handler.hpp"

#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace llmgw::openai_compat {
namespace {

constexpr int kMaxDepth = 64;

inline bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

inline void skip_space(const char*& p, const char* end) {
  // Most tokens follow one another with no space: one compare says so.
  while (p < end && static_cast<unsigned char>(*p) <= ' ' && is_space(*p)) ++p;
}

/// The first byte at or after `p` that is a quote, a backslash or a control character, or end.
inline const char* string_stop(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), control = _mm_set1_epi8(0x1f);
  for (; end - p >= 16; p += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)),
                                      _mm_cmpeq_epi8(_mm_min_epu8(x, control), x));  // x <= 0x1f
    const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(stop));
    if (mask != 0) return p + __builtin_ctz(mask);
  }
#endif
  for (; p < end; ++p) {
    const unsigned char c = static_cast<unsigned char>(*p);
    if (c == '"' || c == '\\' || c < 0x20) return p;
  }
  return end;
}

/// Four hex digits at `p` (bounds checked by the caller) as a number.
inline unsigned hex4(const char* p) {
  unsigned v = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = p[i];
    v = v * 16 + static_cast<unsigned>(is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
  }
  return v;
}

/// A string from just past its opening quote: on success `p` is past the closing quote, the
/// raw text is [begin, p - 1) and `unicode` says whether it held a \u escape. False when it is
/// invalid as rapidjson reads it (an unknown escape, a bad \u or surrogate pair, a raw control
/// character, no closing quote).
inline bool skip_string(const char*& p, const char* end, bool& unicode) {
  unicode = false;
  for (;;) {
    p = string_stop(p, end);
    if (p == end) return false;
    const char c = *p;
    if (c == '"') {
      ++p;
      return true;
    }
    if (c != '\\') return false;  // a control character
    if (end - p < 2) return false;
    switch (p[1]) {
      case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
        p += 2;
        continue;
      case 'u':
        break;
      default:
        return false;
    }
    if (end - p < 6 || !is_hex(p[2]) || !is_hex(p[3]) || !is_hex(p[4]) || !is_hex(p[5])) return false;
    const unsigned cp = hex4(p + 2);
    p += 6;
    unicode = true;
    if (cp >= 0xD800 && cp <= 0xDBFF) {  // a high surrogate: a low one must follow
      if (end - p < 6 || p[0] != '\\' || p[1] != 'u' || !is_hex(p[2]) || !is_hex(p[3]) || !is_hex(p[4]) ||
          !is_hex(p[5]))
        return false;
      const unsigned low = hex4(p + 2);
      if (low < 0xDC00 || low > 0xDFFF) return false;
      p += 6;
    }
  }
}

/// A number at `p`, handed to the handler as rapidjson would (see the file comment for when
/// it gives up).
inline bool scan_number(const char*& p, const char* end, detail::ScanHandler& h) {
  const bool minus = *p == '-';
  if (minus) ++p;
  if (p == end) return false;
  uint64_t v = 0;
  if (*p == '0') {
    ++p;
  } else if (*p >= '1' && *p <= '9') {
    const char* const first = p;
    while (p < end && is_digit(*p)) v = v * 10 + static_cast<unsigned>(*p++ - '0');
    if (p - first > 18) return false;  // past what is sure to fit: rapidjson may read a double
  } else {
    return false;
  }
  bool integer = true;
  if (p < end && *p == '.') {
    ++p;
    if (p == end || !is_digit(*p)) return false;
    while (p < end && is_digit(*p)) ++p;
    integer = false;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    ++p;
    bool exp_minus = false;
    if (p < end && (*p == '+' || *p == '-')) exp_minus = *p++ == '-';
    if (p == end || !is_digit(*p)) return false;
    int exp = 0;
    while (p < end && is_digit(*p)) {
      if (exp <= 308) exp = exp * 10 + (*p - '0');
      ++p;
    }
    if (!exp_minus && exp > 308) return false;  // rapidjson may refuse it as too big
    integer = false;
  }
  if (!integer) {
    if (h.reading()) return false;  // rapidjson hands over a rounded double: let it
    return h.Default();
  }
  return minus ? h.Int64(-static_cast<int64_t>(v)) : h.Uint64(v);
}

inline bool literal(const char*& p, const char* end, const char* word, std::size_t n) {
  if (static_cast<std::size_t>(end - p) < n || std::memcmp(p, word, n) != 0) return false;
  p += n;
  return true;
}

/// The whole document; false as soon as it cannot vouch for it. Whitespace is skipped where a
/// token was expected and something else came (most documents have none between tokens, so
/// this costs no separate pass in the common case).
bool scan(const char* p, const char* const end, detail::ScanHandler& h) {
  bool in_object[kMaxDepth];
  int depth = 0;
  bool unicode = false;

value:
  if (p == end) return false;
  switch (*p) {
    case ' ': case '\n': case '\r': case '\t':
      ++p;
      goto value;
    case '{':
      if (depth == kMaxDepth || !h.StartObject()) return false;
      in_object[depth++] = true;
      ++p;
      skip_space(p, end);
      if (p < end && *p == '}') {
        ++p;
        --depth;
        h.EndObject(0);
        goto after_value;
      }
      goto key;
    case '[':
      if (depth == kMaxDepth || !h.StartArray()) return false;
      in_object[depth++] = false;
      ++p;
      skip_space(p, end);
      if (p < end && *p == ']') {
        ++p;
        --depth;
        h.EndArray(0);
        goto after_value;
      }
      goto value;
    case '"': {
      const char* const begin = ++p;
      if (!skip_string(p, end, unicode)) return false;
      if (unicode) {
        if (h.reading()) return false;
        h.Default();
      } else {
        h.String(begin, static_cast<rapidjson::SizeType>(p - 1 - begin), false);
      }
      goto after_value;
    }
    case 't':
      if (!literal(p, end, "true", 4)) return false;
      h.Default();
      goto after_value;
    case 'f':
      if (!literal(p, end, "false", 5)) return false;
      h.Default();
      goto after_value;
    case 'n':
      if (!literal(p, end, "null", 4)) return false;
      h.Default();
      goto after_value;
    default:
      if (!scan_number(p, end, h)) return false;
      goto after_value;
  }

key:
  if (p == end) return false;
  if (*p != '"') {
    if (!is_space(*p)) return false;
    ++p;
    goto key;
  }
  {
    const char* const begin = ++p;
    if (!skip_string(p, end, unicode) || unicode) return false;
    h.Key(begin, static_cast<rapidjson::SizeType>(p - 1 - begin), false);
  }
  if (p == end || *p != ':') {
    skip_space(p, end);
    if (p == end || *p != ':') return false;
  }
  ++p;
  goto value;

after_value:
  if (depth == 0) {
    skip_space(p, end);
    return p == end;
  }
  if (p == end) return false;
  if (*p == ',') {
    ++p;
    if (in_object[depth - 1]) goto key;
    goto value;
  }
  if (*p == (in_object[depth - 1] ? '}' : ']')) {
    ++p;
    if (in_object[--depth]) h.EndObject(0);
    else h.EndArray(0);
    goto after_value;
  }
  if (!is_space(*p)) return false;
  ++p;
  goto after_value;
}

}  // namespace

bool scan_json_fast(std::string_view doc, unsigned max_depth, JsonScan& out) {
  out = JsonScan{};
  out.usage = unknown_usage();
  detail::ScanHandler h(out, max_depth);
  if (!scan(doc.data(), doc.data() + doc.size(), h)) return false;
  detail::finish_scan(h, out);
  return true;
}

}  // namespace llmgw::openai_compat
