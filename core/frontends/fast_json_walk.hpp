// The request scans' fast path. simdjson (Debian's libsimdjson) validates the body and builds its
// tape with SIMD, then the dialect's own SAX handler — the same class the reference path feeds
// from rapidjson — is driven from the tape, so every rule stays in one place. The fast path only
// ever answers "valid, and the handler found this": any failure, simdjson's or the handler's, is
// left to the reference path (json_body_scan.hpp), which words the 400 exactly as before.
// The scans' fuzz targets check that both paths agree on every input (tests/fuzz/scan_paths_agree.hpp).
//
// Why: the rapidjson scan was ~20 % of the gateway's instructions per proxied 1 KB chat request
// (docs/ARCHITECTURE.md, "Request scan").
#pragma once

#include <rapidjson/reader.h>
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

namespace llmgw::frontends::fast_json {

/// Whether scans try the fast path (default on). Tests and the differential fuzzer turn it off
/// to run the reference path alone. Process-wide; set before serving.
bool enabled() noexcept;
void set_enabled(bool on) noexcept;

/// The largest body the fast path takes; larger ones go to the reference path (the parser's
/// buffers are ~13 bytes per body byte).
inline constexpr std::size_t kMaxBody = std::size_t{1} << 20;

/// Parses `body` with this thread's parser, nesting limited to `max_depth` levels (deeper is an
/// error: the reference path words it). The element lives until the thread's next parse.
simdjson::simdjson_result<simdjson::dom::element> parse(std::string_view body, unsigned max_depth);

/// After a scan: gives back the parser's buffers when `body_size` made them large, so a thread's
/// memory returns near its baseline after one big request.
void release_after(std::size_t body_size) noexcept;

/// Byte offsets of the top-level values of a body simdjson accepted as one JSON object, found
/// lazily in field order (a skip over the fields before, strings jumped by util::json_string_end): what the
/// handlers read through ScanStream::Tell() for "model".
class TopLevelCursor {
 public:
  explicit TopLevelCursor(std::string_view text) noexcept;
  /// Offset of the first byte of field `index`'s value (0-based, in document order). Indexes
  /// must not decrease from one call to the next.
  std::size_t value_begin(std::size_t index) noexcept;

 private:
  void skip_blanks() noexcept;
  void skip_string() noexcept;
  void skip_value() noexcept;
  void skip_key_and_colon() noexcept;

  std::string_view t_;
  std::size_t p_ = 0;      // at the start of field `field_` (before its comma, if any)
  std::size_t field_ = 0;
};

namespace detail {

using simdjson::dom::element;
using simdjson::dom::element_type;

/// Whether `text` may hold a number written with an exponent of three digits or more
/// (`[eE]+?ddd`; inside strings too: a false alarm only sends the body to the reference path).
/// Asked only when a double is 0: simdjson reads "0e400" as 0 where rapidjson refuses any
/// exponent past 308 as "Number too big" (found by the differential fuzzer).
bool may_hold_long_exponent(std::string_view text) noexcept;

/// What the walk carries besides the handler.
struct WalkContext {
  std::string_view body;
  TopLevelCursor& cursor;
  rapidjson::InsituStringStream& in;
  std::string_view positioned;
  int long_exponent = -1;  // may_hold_long_exponent(body), once asked; -1: not yet
};

/// Drives `h` with the events rapidjson's Reader would send for `e` (numbers as rapidjson types
/// them: Uint / Int within 32 bits, else Uint64 / Int64; fraction or exponent: Double; the one
/// difference: "-0" arrives as Uint(0), rapidjson says Int(0) — the tape keeps no sign of a
/// zero, and every scan handler takes both as the integer 0). At depth 1 (the root object's
/// fields) a key equal to `ctx.positioned` moves `ctx.in` to its value's first byte first.
/// False: the handler refused, or the body is one the reference path must decide.
template <class Handler>
bool walk(const element& e, Handler& h, int depth, WalkContext& ctx) {
  switch (e.type()) {
    case element_type::OBJECT: {
      if (!h.StartObject()) return false;
      rapidjson::SizeType n = 0;
      for (const auto field : simdjson::dom::object(e)) {
        if (!h.Key(field.key.data(), static_cast<rapidjson::SizeType>(field.key.size()), true)) return false;
        if (depth == 0 && field.key == ctx.positioned) ctx.in.src_ = ctx.in.head_ + ctx.cursor.value_begin(n);
        if (!walk(field.value, h, depth + 1, ctx)) return false;
        ++n;
      }
      return h.EndObject(n);
    }
    case element_type::ARRAY: {
      if (!h.StartArray()) return false;
      rapidjson::SizeType n = 0;
      for (const element item : simdjson::dom::array(e)) {
        if (!walk(item, h, depth + 1, ctx)) return false;
        ++n;
      }
      return h.EndArray(n);
    }
    case element_type::STRING: {
      const std::string_view s(e);
      return h.String(s.data(), static_cast<rapidjson::SizeType>(s.size()), true);
    }
    case element_type::INT64: {
      const int64_t v(e);
      if (v >= 0)
        return v <= std::numeric_limits<uint32_t>::max() ? h.Uint(static_cast<unsigned>(v)) : h.Uint64(static_cast<uint64_t>(v));
      return v >= std::numeric_limits<int32_t>::min() ? h.Int(static_cast<int>(v)) : h.Int64(v);
    }
    case element_type::UINT64:
      return h.Uint64(uint64_t(e));
    case element_type::DOUBLE: {
      const double d(e);
      if (d == 0) {
        if (ctx.long_exponent < 0) ctx.long_exponent = may_hold_long_exponent(ctx.body) ? 1 : 0;
        if (ctx.long_exponent == 1) return false;
      }
      return h.Double(d);
    }
    case element_type::BOOL:
      return h.Bool(bool(e));
    case element_type::NULL_VALUE:
      return h.Null();
  }
  return false;
}

}  // namespace detail

/// The fast path of a request scan: true when `body` is valid JSON no deeper than `max_depth`
/// and `h` accepted every event (then `h` holds its findings, and `in.Tell()` gave it the body
/// offsets of `positioned`'s value). False: nothing is decided; run the reference path with a
/// fresh handler.
template <class Handler>
bool scan(std::string_view body, Handler& h, rapidjson::InsituStringStream& in, unsigned max_depth,
          std::string_view positioned = "model") {
  if (!enabled() || body.size() > kMaxBody) return false;
  simdjson::dom::element root;
  bool ok = parse(body, max_depth).get(root) == simdjson::SUCCESS;
  if (ok) {
    // Tell() is src_ - head_: offsets into `body` (the handlers index the body with them; the
    // stream is never read on this path).
    in.head_ = in.src_ = in.dst_ = const_cast<char*>(body.data());
    TopLevelCursor cursor(body);
    detail::WalkContext ctx{body, cursor, in, positioned};
    ok = detail::walk(root, h, 0, ctx) && !h.error;
  }
  release_after(body.size());  // a refused large body gives its buffers back too
  return ok;
}

}  // namespace llmgw::frontends::fast_json
