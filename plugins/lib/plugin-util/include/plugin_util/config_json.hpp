// Reading create()'s config JSON (RapidJSON) with one clear ConfigError line per mistake:
// "<where><name> must be a string", "... must be an object", "... must be a positive integer".
// `where` is the path of the enclosing object with its dot ("" at the top, "extra." below).
// A member that is absent or null counts as absent everywhere.
#pragma once

#include <plugin_util/config.hpp>

#include <rapidjson/document.h>

#include <llmgw/json_depth.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace llmgw::plugin_util {

/// create()'s config JSON; throws ConfigError("config is not a JSON object"), or
/// ConfigError("config nests deeper than 128 levels") past llmgw::kJsonMaxDepth.
inline rapidjson::Document parse_config_object(std::string_view json) {
  rapidjson::Document doc;
  const llmgw::JsonResult parsed = llmgw::parse_bounded(doc, json);
  if (parsed.too_deep())
    throw ConfigError("config nests deeper than " + std::to_string(llmgw::kJsonMaxDepth) + " levels");
  if (!parsed || !doc.IsObject()) throw ConfigError("config is not a JSON object");
  return doc;
}

/// The member `name` of `obj`, or nullptr when it is absent or null (or `obj` is no object).
inline const rapidjson::Value* present_member(const rapidjson::Value& obj, const char* name) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(name);
  return it == obj.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
}

/// A string member, "" when absent; throws when it has another type.
inline std::string string_member(const rapidjson::Value& obj, const char* name, const char* where = "") {
  const rapidjson::Value* v = present_member(obj, name);
  if (!v) return {};
  if (!v->IsString()) throw ConfigError(std::string(where) + name + " must be a string");
  return std::string(v->GetString(), v->GetStringLength());
}

/// An object member, an empty object when absent; throws when it has another type.
inline const rapidjson::Value& object_member(const rapidjson::Value& obj, const char* name, const char* where = "") {
  static const rapidjson::Value kEmpty(rapidjson::kObjectType);
  const rapidjson::Value* v = present_member(obj, name);
  if (!v) return kEmpty;
  if (!v->IsObject()) throw ConfigError(std::string(where) + name + " must be an object");
  return *v;
}

/// An integer member >= 1, `fallback` when absent; throws when it is anything else.
inline int64_t positive_int_member(const rapidjson::Value& obj, const char* name, int64_t fallback,
                                   const char* where = "") {
  const rapidjson::Value* v = present_member(obj, name);
  if (!v) return fallback;
  if (!v->IsInt64() || v->GetInt64() < 1) throw ConfigError(std::string(where) + name + " must be a positive integer");
  return v->GetInt64();
}

/// Calls fn(std::string name, std::string value) for each member of the object member `name`
/// (none when absent), in order, after checking it is a header (check_header). Throws
/// "<where><name> must be an object" and "<where><name>.<header> must be a string".
template <typename Fn>
void for_each_header_member(const rapidjson::Value& obj, const char* name, const char* where, Fn&& fn) {
  const std::string path = std::string(where) + name;
  for (auto& m : object_member(obj, name, where).GetObject()) {
    std::string header(m.name.GetString(), m.name.GetStringLength());
    if (!m.value.IsString()) throw ConfigError(path + "." + header + " must be a string");
    std::string value(m.value.GetString(), m.value.GetStringLength());
    check_header(header, value);
    fn(std::move(header), std::move(value));
  }
}

}  // namespace llmgw::plugin_util
