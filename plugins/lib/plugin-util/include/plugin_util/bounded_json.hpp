// DOM parses of outside bytes (upstream bodies, stream events, client bodies) with bounded
// nesting, in the three-way shape the provider codecs test (ok / syntax / too deep): a thin
// layer over the SDK's llmgw/json_depth.hpp, which holds the one implementation (its reader's
// recursion stops at the limit, so a body nested deeper never becomes a DOM and nothing later
// can recurse without bound). UTF-8 is validated, as an upstream body must be.
//
//   rapidjson::Document doc;
//   const plugin_util::JsonParse p = plugin_util::parse_bounded(doc, bytes);
//   if (p != plugin_util::JsonParse::kOk) ...   // kSyntax or kTooDeep; doc is left null
#pragma once

#include <llmgw/json_depth.hpp>

#include <rapidjson/document.h>

#include <string_view>

namespace llmgw::plugin_util {

/// The deepest nesting of arrays and objects a bounded parse accepts (the SDK's default).
inline constexpr unsigned kMaxJsonDepth = llmgw::kJsonMaxDepth;

enum class JsonParse { kOk, kSyntax, kTooDeep };

inline JsonParse to_json_parse(const llmgw::JsonResult& r) {
  return r.ok() ? JsonParse::kOk : r.too_deep() ? JsonParse::kTooDeep : JsonParse::kSyntax;
}

/// Parses `bytes` into `doc`, nesting at most `max_depth` deep. On failure `doc` is null.
template <typename Document>
JsonParse parse_bounded(Document& doc, std::string_view bytes, unsigned max_depth = kMaxJsonDepth) {
  const JsonParse p = to_json_parse(llmgw::parse_bounded<rapidjson::kParseValidateEncodingFlag>(doc, bytes, max_depth));
  if (p != JsonParse::kOk) doc.SetNull();
  return p;
}

/// parse_bounded in situ: `text` (NUL-terminated, modified) keeps the strings, which `doc`
/// references without copying; `text` must outlive `doc`.
template <typename Document>
JsonParse parse_bounded_insitu(Document& doc, char* text, unsigned max_depth = kMaxJsonDepth) {
  const JsonParse p = to_json_parse(llmgw::parse_bounded_insitu(doc, text, max_depth));
  if (p != JsonParse::kOk) doc.SetNull();
  return p;
}

}  // namespace llmgw::plugin_util
