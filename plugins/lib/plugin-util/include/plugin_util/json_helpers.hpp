// RapidJSON helpers the translating provider plugins share (canonical JSON in, upstream JSON out,
// and back), and the error an untranslatable request throws (EncodeError: LLMGW_BAD_ARGUMENT or
// LLMGW_UNSUPPORTED with the line for the client).
#pragma once

#include <llmgw/plugin.h>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace llmgw::plugin_util {

using Allocator = rapidjson::Document::AllocatorType;
using rapidjson::Value;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

/// A canonical request that cannot be encoded: `status` is LLMGW_BAD_ARGUMENT or
/// LLMGW_UNSUPPORTED, what() the one line for the client.
class EncodeError : public std::runtime_error {
 public:
  EncodeError(llmgw_status s, const std::string& message) : std::runtime_error(message), status(s) {}
  llmgw_status status;
};

namespace json {

[[noreturn]] inline void bad(const std::string& message) { throw EncodeError(LLMGW_BAD_ARGUMENT, message); }
[[noreturn]] inline void unsupported(const std::string& message) { throw EncodeError(LLMGW_UNSUPPORTED, message); }

/// A string value's text; "" for anything that is not a string.
inline std::string_view sv(const Value& v) {
  return v.IsString() ? std::string_view(v.GetString(), v.GetStringLength()) : std::string_view();
}
/// A string value referencing `s` (no copy: `s` must outlive it).
inline Value ref(std::string_view s) { return Value(rapidjson::StringRef(s.data(), s.size())); }
/// A string value holding a copy of `s`.
inline Value copy(std::string_view s, Allocator& a) { return Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a); }

/// The member `name` when `obj` is an object and the member is present and not null, else
/// nullptr (any JSON value may be passed: outside input is not trusted to have the right shape).
inline const Value* member(const Value& obj, const char* name) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(name);
  return it == obj.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
}

/// The member `name`, or a static null value.
inline const Value& get(const Value& obj, const char* name) {
  static const Value kNull;
  const Value* v = member(obj, name);
  return v ? *v : kNull;
}

/// A token count from upstream JSON: a non-negative integer (written as 12 or 12.0), else -1
/// ("unknown"). Anything outside int64 (1e300, -3, NaN-like text the parser took) is unknown, never
/// a cast past the range (undefined behaviour, found by the cohere fuzzer).
inline int64_t token_count(const Value* v) {
  if (!v || !v->IsNumber()) return -1;
  if (v->IsInt64()) return v->GetInt64() >= 0 ? v->GetInt64() : -1;
  if (v->IsUint64()) return -1;  // above INT64_MAX
  const double d = v->GetDouble();
  if (!(d >= 0.0) || d >= 9.2e18 || d != static_cast<double>(static_cast<int64_t>(d))) return -1;
  return static_cast<int64_t>(d);
}

/// The string member `name`, "" when absent or not a string.
inline std::string_view str_member(const Value& obj, const char* name) { return sv(get(obj, name)); }

inline void string(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
inline void key_string(Writer& w, const char* key, std::string_view value) {
  w.Key(key);
  string(w, value);
}

/// `v` written compactly. Only for values from a bounded parse (plugin_util/bounded_json.hpp).
inline std::string compact(const Value& v) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  v.Accept(w);
  return std::string(sb.GetString(), sb.GetSize());
}

}  // namespace json
}  // namespace llmgw::plugin_util
