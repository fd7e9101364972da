// DOM parses of outside bytes (upstream bodies, stream events, client bodies) with bounded
// nesting: rapidjson's reader feeds the document through a handler that refuses past
// kMaxJsonDepth open arrays/objects, so the reader's recursion stops at that depth (a few tens of
// KB of stack at most) and a body nested deeper never becomes a DOM: nothing later (Accept, deep
// copies, member walks) can recurse without bound. The reader borrows the document's allocator
// for its string stack, as Document::Parse does, so a parse adds no allocation of its own.
//
//   rapidjson::Document doc;
//   const plugin_util::JsonParse p = plugin_util::parse_bounded(doc, bytes);
//   if (p != plugin_util::JsonParse::kOk) ...   // kSyntax or kTooDeep; doc is left null
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/reader.h>

#include <cstddef>
#include <string_view>

namespace llmgw::plugin_util {

/// The deepest nesting of arrays and objects a bounded parse accepts.
inline constexpr unsigned kMaxJsonDepth = 128;

enum class JsonParse { kOk, kSyntax, kTooDeep };

namespace detail {

/// Forwards SAX events to `Out` (a GenericDocument), failing once the depth exceeds `max`.
template <typename Out>
class DepthLimit {
 public:
  using Ch = typename Out::Ch;
  DepthLimit(Out& out, unsigned max) : out_(out), max_(max) {}

  bool Null() { return out_.Null(); }
  bool Bool(bool b) { return out_.Bool(b); }
  bool Int(int i) { return out_.Int(i); }
  bool Uint(unsigned i) { return out_.Uint(i); }
  bool Int64(int64_t i) { return out_.Int64(i); }
  bool Uint64(uint64_t i) { return out_.Uint64(i); }
  bool Double(double d) { return out_.Double(d); }
  bool RawNumber(const Ch* s, rapidjson::SizeType n, bool copy) { return out_.RawNumber(s, n, copy); }
  bool String(const Ch* s, rapidjson::SizeType n, bool copy) { return out_.String(s, n, copy); }
  bool Key(const Ch* s, rapidjson::SizeType n, bool copy) { return out_.Key(s, n, copy); }
  bool StartObject() { return open() && out_.StartObject(); }
  bool EndObject(rapidjson::SizeType n) {
    --depth_;
    return out_.EndObject(n);
  }
  bool StartArray() { return open() && out_.StartArray(); }
  bool EndArray(rapidjson::SizeType n) {
    --depth_;
    return out_.EndArray(n);
  }

  bool too_deep() const noexcept { return too_deep_; }

 private:
  bool open() {
    if (++depth_ > max_) {
      too_deep_ = true;
      return false;
    }
    return true;
  }

  Out& out_;
  unsigned max_;
  unsigned depth_ = 0;
  bool too_deep_ = false;
};

}  // namespace detail

/// Parses `bytes` into `doc` (any GenericDocument), nesting at most `max_depth` deep. On failure
/// `doc` is null and the result says why.
template <typename Document>
JsonParse parse_bounded(Document& doc, std::string_view bytes, unsigned max_depth = kMaxJsonDepth) {
  bool ok = false;
  bool too_deep = false;
  auto generate = [&](Document& handler) {
    detail::DepthLimit<Document> limit(handler, max_depth);
    rapidjson::MemoryStream ms(bytes.data(), bytes.size());
    rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> is(ms);
    rapidjson::GenericReader<rapidjson::UTF8<>, rapidjson::UTF8<>, typename Document::AllocatorType> reader(&handler.GetAllocator());
    ok = !reader.template Parse<rapidjson::kParseValidateEncodingFlag>(is, limit).IsError();
    too_deep = limit.too_deep();
    return ok;
  };
  doc.SetNull();
  doc.Populate(generate);
  if (ok) return JsonParse::kOk;
  doc.SetNull();
  return too_deep ? JsonParse::kTooDeep : JsonParse::kSyntax;
}

/// parse_bounded in situ: `text` (NUL-terminated, modified) keeps the strings, which `doc`
/// references without copying; `text` must outlive `doc`.
template <typename Document>
JsonParse parse_bounded_insitu(Document& doc, char* text, unsigned max_depth = kMaxJsonDepth) {
  bool ok = false;
  bool too_deep = false;
  auto generate = [&](Document& handler) {
    detail::DepthLimit<Document> limit(handler, max_depth);
    rapidjson::InsituStringStream is(text);
    rapidjson::GenericReader<rapidjson::UTF8<>, rapidjson::UTF8<>, typename Document::AllocatorType> reader(&handler.GetAllocator());
    ok = !reader.template Parse<rapidjson::kParseInsituFlag>(is, limit).IsError();
    too_deep = limit.too_deep();
    return ok;
  };
  doc.SetNull();
  doc.Populate(generate);
  if (ok) return JsonParse::kOk;
  doc.SetNull();
  return too_deep ? JsonParse::kTooDeep : JsonParse::kSyntax;
}

}  // namespace llmgw::plugin_util
