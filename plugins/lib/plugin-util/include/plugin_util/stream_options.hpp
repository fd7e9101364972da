// wants_stream_usage: the canonical request's stream_options.include_usage, which asks for the
// final {"choices": [], "usage"} chunk. A bounded parse (plugin_util/bounded_json.hpp), done
// only when the body mentions include_usage; an unreadable body counts as not asking.
#pragma once

#include "plugin_util/bounded_json.hpp"
#include "plugin_util/json_helpers.hpp"

#include <rapidjson/document.h>

#include <string_view>

namespace llmgw::plugin_util {

inline bool wants_stream_usage(std::string_view canonical_body) {
  if (canonical_body.find("include_usage") == std::string_view::npos) return false;
  rapidjson::Document doc;
  if (parse_bounded(doc, canonical_body) != JsonParse::kOk) return false;
  const Value* v = json::member(json::get(doc, "stream_options"), "include_usage");
  return v && v->IsTrue();
}

}  // namespace llmgw::plugin_util
