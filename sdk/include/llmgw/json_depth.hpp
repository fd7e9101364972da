// Bounded JSON nesting for RapidJSON parses of outside bytes (client requests, upstream answers,
// stream events, configuration).
//
// RapidJSON's recursive reader and Document::Parse recurse once per open array or object, and so
// does Value::Accept (the Writer walk): a few kilobytes of "[[[[…" exhaust a worker thread's stack.
// Everything that parses bytes it did not write itself goes through this header:
//
//   - parse_bounded(doc, bytes[, max_depth]) (and parse_bounded_insitu for a mutable buffer) builds
//     a Document and stops at the first container nested deeper than max_depth. Its JsonResult
//     says "too deep" distinctly from "malformed", so a caller can answer each in its own words.
//     A Document that parsed is at most max_depth deep, so writing it back out with Accept()
//     recurses at most max_depth times.
//   - DepthLimitedHandler<H> wraps any SAX handler: it forwards every event and fails the parse
//     when a container would open past max_depth; parse_sax_bounded runs a Reader with it.
//     SAX handlers that count depth themselves can instead compare against the limit and return
//     false, and report their own error.
//
// The stack: up to kJsonRecursiveDepth (128) levels these use RapidJSON's recursive reader, the
// faster one (about 80-150 bytes of stack per level measured, so 128 levels stay under ~40 KiB);
// a larger max_depth switches to the iterative reader, whose stack use does not grow with depth.
//
// Depth counts open containers: a scalar is depth 0, "[]" and "{}" are depth 1, "[[1]]" depth 2.
// With max_depth N, a document N deep parses and one N + 1 deep is refused.
//
// Part of the SDK's optional header-only C++ helpers (nothing here crosses the C ABI). Needs the
// RapidJSON headers (Debian: rapidjson-dev). C++17.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/error/error.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

/// The default maximum nesting depth for outside JSON: far above any real request, response or
/// event (LLM APIs nest a handful of levels; JSON schemas in tools a few dozen at most), far
/// below what a 256 KiB worker stack could walk. Define before including to change the default
/// for a whole plugin; functions take a max_depth argument for a per-call limit.
#ifndef LLMGW_JSON_MAX_DEPTH
#define LLMGW_JSON_MAX_DEPTH 128
#endif

namespace llmgw {

inline constexpr unsigned kJsonMaxDepth = LLMGW_JSON_MAX_DEPTH;

/// Up to this max_depth the bounded parses recurse (RapidJSON's faster reader); above it they
/// use the iterative reader.
inline constexpr unsigned kJsonRecursiveDepth = 128;

enum class JsonStatus {
  kOk,         // one well-formed value, at most max_depth deep
  kMalformed,  // not well-formed JSON (JsonResult::code says how)
  kTooDeep,    // a container opened past max_depth (the document was not read further)
};

/// The outcome of a bounded parse.
struct JsonResult {
  JsonStatus status = JsonStatus::kOk;
  /// Byte offset of the error: where the parse stopped (for kTooDeep from the functions here,
  /// the bracket that would open one container too many).
  std::size_t offset = 0;
  /// RapidJSON's error code for kMalformed (rapidjson::GetParseError_En names it).
  rapidjson::ParseErrorCode code = rapidjson::kParseErrorNone;

  bool ok() const noexcept { return status == JsonStatus::kOk; }
  bool too_deep() const noexcept { return status == JsonStatus::kTooDeep; }
  bool malformed() const noexcept { return status == JsonStatus::kMalformed; }
  explicit operator bool() const noexcept { return ok(); }
};

/// A SAX handler that forwards every event to `inner` and fails the parse (returns false, so
/// the Reader stops with kParseErrorTermination) when an array or object would open deeper than
/// `max_depth`. `too_deep()` then tells that stop apart from one `inner` asked for.
template <class Handler>
class DepthLimitedHandler {
 public:
  using Ch = char;
  using SizeType = rapidjson::SizeType;

  explicit DepthLimitedHandler(Handler& inner, unsigned max_depth = kJsonMaxDepth) noexcept
      : inner_(inner), max_depth_(max_depth) {}

  bool Null() { return inner_.Null(); }
  bool Bool(bool b) { return inner_.Bool(b); }
  bool Int(int i) { return inner_.Int(i); }
  bool Uint(unsigned u) { return inner_.Uint(u); }
  bool Int64(int64_t i) { return inner_.Int64(i); }
  bool Uint64(uint64_t u) { return inner_.Uint64(u); }
  bool Double(double d) { return inner_.Double(d); }
  bool RawNumber(const Ch* s, SizeType n, bool copy) { return inner_.RawNumber(s, n, copy); }
  bool String(const Ch* s, SizeType n, bool copy) { return inner_.String(s, n, copy); }
  bool Key(const Ch* s, SizeType n, bool copy) { return inner_.Key(s, n, copy); }
  bool StartObject() { return enter() && inner_.StartObject(); }
  bool EndObject(SizeType members) { --depth_; return inner_.EndObject(members); }
  bool StartArray() { return enter() && inner_.StartArray(); }
  bool EndArray(SizeType elements) { --depth_; return inner_.EndArray(elements); }

  /// The parse stopped because a container opened past the limit.
  bool too_deep() const noexcept { return too_deep_; }
  /// Containers open now.
  unsigned depth() const noexcept { return depth_; }

 private:
  bool enter() noexcept {
    if (depth_ >= max_depth_) {
      too_deep_ = true;
      return false;
    }
    ++depth_;
    return true;
  }

  Handler& inner_;
  unsigned max_depth_;
  unsigned depth_ = 0;
  bool too_deep_ = false;
};

/// The JsonResult of a Reader::Parse whose handler reported `too_deep`. `taken`: the reader had
/// already taken the bracket when it called the handler (the recursive reader does; the
/// iterative one does not), so the offset steps back onto it.
inline JsonResult json_result(const rapidjson::ParseResult& r, bool too_deep, bool taken = false) noexcept {
  JsonResult out;
  if (!r.IsError()) return out;
  out.offset = r.Offset();
  out.code = r.Code();
  out.status = too_deep ? JsonStatus::kTooDeep : JsonStatus::kMalformed;
  if (too_deep && taken && out.offset > 0) --out.offset;
  return out;
}

namespace detail {

/// `reader` over `in` into `bounded` (a DepthLimitedHandler): recursive up to
/// kJsonRecursiveDepth, iterative beyond.
template <unsigned Flags, class Reader, class InputStream, class Bounded>
JsonResult run_bounded(Reader& reader, InputStream& in, Bounded& bounded, unsigned max_depth) {
  const bool recursive = max_depth <= kJsonRecursiveDepth;
  const rapidjson::ParseResult r = recursive ? reader.template Parse<Flags>(in, bounded)
                                             : reader.template Parse<Flags | rapidjson::kParseIterativeFlag>(in, bounded);
  return json_result(r, bounded.too_deep(), recursive);
}

}  // namespace detail

/// Runs a SAX parse of `in` with `handler` behind a DepthLimitedHandler. kMalformed also
/// covers a stop that `handler` asked for (its own error).
template <unsigned Flags = rapidjson::kParseDefaultFlags, class InputStream, class Handler>
JsonResult parse_sax_bounded(InputStream& in, Handler& handler, unsigned max_depth = kJsonMaxDepth) {
  DepthLimitedHandler<Handler> bounded(handler, max_depth);
  rapidjson::Reader reader;
  return detail::run_bounded<Flags>(reader, in, bounded, max_depth);
}

/// Parses `bytes` (one JSON value, whitespace around it) into `doc`, at most `max_depth` deep:
/// the stack use is bounded however deep the input (see the file comment). `Flags` are
/// RapidJSON's parse flags (kParseFullPrecisionFlag, kParseValidateEncodingFlag, …;
/// kParseInsituFlag is not supported). On success `doc` holds the value; on failure `doc` is
/// left as it was (a fresh Document stays null) and doc.HasParseError() is NOT set: test the
/// returned JsonResult. `reader_stack` optionally gives the reader's own scratch stack an
/// allocator (e.g. a MemoryPoolAllocator over a stack buffer for small documents).
template <unsigned Flags = rapidjson::kParseDefaultFlags, class Document, class ReaderAllocator = rapidjson::CrtAllocator>
JsonResult parse_bounded(Document& doc, std::string_view bytes, unsigned max_depth = kJsonMaxDepth,
                         ReaderAllocator* reader_stack = nullptr) {
  static_assert(!(Flags & rapidjson::kParseInsituFlag), "parse_bounded reads a const view: no in-situ parsing");
  JsonResult result;
  auto generate = [&](Document& target) {
    rapidjson::MemoryStream in(bytes.data(), bytes.size());
    DepthLimitedHandler<Document> bounded(target, max_depth);
    rapidjson::GenericReader<typename Document::EncodingType, typename Document::EncodingType, ReaderAllocator> reader(
        reader_stack);
    result = detail::run_bounded<Flags>(reader, in, bounded, max_depth);
    return result.ok();
  };
  doc.Populate(generate);
  return result;
}

/// parse_bounded for a mutable, NUL-terminated buffer parsed in place (kParseInsituFlag): the
/// Document's strings point into `text`, which must outlive it. Same result and guarantees.
template <unsigned Flags = rapidjson::kParseDefaultFlags, class Document, class ReaderAllocator = rapidjson::CrtAllocator>
JsonResult parse_bounded_insitu(Document& doc, typename Document::Ch* text, unsigned max_depth = kJsonMaxDepth,
                                ReaderAllocator* reader_stack = nullptr) {
  JsonResult result;
  auto generate = [&](Document& target) {
    rapidjson::GenericInsituStringStream<typename Document::EncodingType> in(text);
    DepthLimitedHandler<Document> bounded(target, max_depth);
    rapidjson::GenericReader<typename Document::EncodingType, typename Document::EncodingType, ReaderAllocator> reader(
        reader_stack);
    result = detail::run_bounded<Flags | rapidjson::kParseInsituFlag>(reader, in, bounded, max_depth);
    return result.ok();
  };
  doc.Populate(generate);
  return result;
}

}  // namespace llmgw
