// What the JSON targets check of what the gateway writes: well-formed JSON (parsed iteratively,
// so a deep document cannot overflow this checker's stack) of the expected root type.
#pragma once
#include <rapidjson/document.h>

#include <string_view>

namespace fuzz {

/// The member `key` of object `v`, or nullptr. (Not FindMember() != MemberEnd(): with C++20
/// RapidJSON's iterator comparison is ambiguous and clang warns.)
inline const rapidjson::Value* member(const rapidjson::Value& v, const char* key) {
  return v.IsObject() && v.HasMember(key) ? &v[key] : nullptr;
}

/// True when `v` is a string equal to `want`.
inline bool is_string(const rapidjson::Value* v, std::string_view want) {
  return v && v->IsString() && std::string_view(v->GetString(), v->GetStringLength()) == want;
}

/// True when `json` is exactly one JSON object (and nothing else but whitespace).
inline bool is_json_object(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  return !doc.HasParseError() && doc.IsObject();
}

}  // namespace fuzz
