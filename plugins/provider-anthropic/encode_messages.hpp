// Canonical messages → Anthropic `system` and `messages` (the part of encoding that walks the
// conversation): system/developer messages hoisted into `system`; content parts → content
// blocks (text, image, document) keeping cache_control; assistant thinking_blocks and
// tool_calls → thinking / redacted_thinking / tool_use blocks; tool messages → tool_result
// blocks in a user message; consecutive same-role messages merged.
#pragma once

#include <llmgw/plugin.h>

#include <rapidjson/document.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace llmgw::provider_anthropic {

using Allocator = rapidjson::Document::AllocatorType;
using rapidjson::Value;

/// A canonical request that cannot be encoded: `status` is LLMGW_BAD_ARGUMENT or
/// LLMGW_UNSUPPORTED, what() the one line for the client.
class EncodeError : public std::runtime_error {
 public:
  EncodeError(llmgw_status s, const std::string& message) : std::runtime_error(message), status(s) {}
  llmgw_status status;
};

/// Helpers of encode.cpp and encode_messages.cpp (canonical JSON in, Anthropic JSON out).
namespace encode_util {

[[noreturn]] inline void bad(const std::string& message) { throw EncodeError(LLMGW_BAD_ARGUMENT, message); }
[[noreturn]] inline void unsupported(const std::string& message) { throw EncodeError(LLMGW_UNSUPPORTED, message); }

/// A string value's text (`v` must be a string).
inline std::string_view sv(const Value& v) { return std::string_view(v.GetString(), v.GetStringLength()); }
/// A string value referencing `s` (no copy: `s` must outlive it).
inline Value ref(std::string_view s) { return Value(rapidjson::StringRef(s.data(), s.size())); }

/// The member `name` when `obj` is an object and the member is present and not null, else
/// nullptr (any JSON value may be passed: client input is not trusted to have the right shape).
inline const Value* member(const Value& obj, const char* name) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(name);
  return it == obj.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
}

}  // namespace encode_util

/// Translates canonical `messages` (an array). `system_out` becomes a string, an array of text
/// blocks (when any system part carries cache_control) or stays null (no system text);
/// `extra_system` (may be empty) is appended to the system text. `messages_out` becomes the
/// Anthropic messages array. Strings of the input are referenced, not copied: the input
/// document must outlive the output. Throws EncodeError.
void translate_messages(const Value& messages, std::string_view extra_system, Value& system_out,
                        Value& messages_out, Allocator& a);

/// A canonical image_url part's `image_url` (string or {url}) → Anthropic image block.
/// Throws EncodeError for a URL that is neither data:…;base64 nor http(s).
Value image_block(const Value& image_url, std::string_view where, Allocator& a);

}  // namespace llmgw::provider_anthropic
