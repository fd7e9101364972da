#include "frontends/openai_chat/chat_request_scan.hpp"

#include <rapidjson/reader.h>

#include "frontends/json_body_scan.hpp"
#include "frontends/tallying_handler.hpp"

#include "util/json_span.hpp"

namespace llmgw::frontends {
namespace {

constexpr std::string_view kLeadIn = "We could not parse the JSON body of your request: ";
constexpr std::string_view kRoles[] = {"system", "user", "assistant", "tool", "function", "developer"};

/// SAX handler: tracks depth and the keys that matter; any rule broken stops the parse with
/// `error` set.
class ScanHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, ScanHandler> {
 public:
  ScanHandler(const std::string& body, ScanStream& in, ChatRequestInfo& info, unsigned max_depth)
      : body_(body), in_(in), info_(info), max_depth_(static_cast<int>(max_depth)) {}

  std::optional<canonical::ApiError> error;
  bool saw_model = false, saw_messages = false;

  bool Default() { return value_scalar("a number"); }
  bool Null() { return value_scalar("null"); }
  bool Bool(bool b) {
    if (depth_ == 1 && key_ == Field::Stream) info_.stream = b;
    if (depth_ == 2 && key_ == Field::IncludeUsage && in_stream_options_) info_.include_usage = b;
    if (depth_ == 1 && key_ == Field::Stream) return after_value();
    return value_scalar("a boolean", true);
  }
  bool String(const char* s, rapidjson::SizeType len, bool) {
    std::string_view v(s, len);
    if (depth_ == 1 && key_ == Field::Model) {
      saw_model = true;
      info_.model.assign(v);
      // The reader parses a string on a local copy of the stream and moves the stream on once
      // the handler returns: here it still stands on the value's opening quote.
      info_.model_begin = in_.Tell();
      info_.model_end = util::json_string_end(body_, info_.model_begin);
      if (info_.model_end == std::string_view::npos)
        return fail(canonical::ApiError{500, "api_error", "internal_error", "model", "the gateway lost the position of 'model'"});
      if (v.empty()) return fail(canonical::ApiError::invalid("'model' must be a non-empty string", "model"));
      key_ = Field::Other;
      return true;
    }
    if (depth_ == 3 && in_message_ && key_ == Field::Role) {
      for (auto r : kRoles)
        if (v == r) { has_role_ = true; return true; }
      return fail(canonical::ApiError::invalid("Invalid value for 'messages[" + std::to_string(info_.message_count - 1) +
                                        "].role': '" + std::string(v) + "' is not a supported role",
                                    "messages[" + std::to_string(info_.message_count - 1) + "].role"));
    }
    return value_scalar("a string", true);
  }
  bool StartObject() {
    if (depth_ >= max_depth_) return too_deep();
    if (depth_ == 0) { ++depth_; return true; }
    if (depth_ == 1 && !check_container(Field::StreamOptions, "an object")) return false;
    if (depth_ == 1 && key_ == Field::StreamOptions) in_stream_options_ = true;
    if (depth_ == 2 && in_messages_) { in_message_ = true; has_role_ = false; ++info_.message_count; }
    ++depth_;
    return true;
  }
  bool Key(const char* s, rapidjson::SizeType len, bool) {
    std::string_view k(s, len);
    key_ = Field::Other;
    if ((len == 13 && k == "cache_control") || (len == 16 && k == "prompt_cache_key")) info_.cache_requested = true;
    if (depth_ == 1) {
      if (k == "model") {
        if (saw_model_key_)
          return fail(canonical::ApiError::invalid("'model' appears more than once in the request body; send it once.", "model",
                                        "duplicate_key"));
        saw_model_key_ = true;
        key_ = Field::Model;
      } else if (k == "fallbacks" || k == "models") info_.routing_fields = true;
      else if (k == "messages") key_ = Field::Messages;
      else if (k == "stream") key_ = Field::Stream;
      else if (k == "stream_options") key_ = Field::StreamOptions;
    } else if (depth_ == 2 && in_stream_options_ && k == "include_usage") {
      key_ = Field::IncludeUsage;
    } else if (depth_ == 3 && in_message_ && k == "role") {
      key_ = Field::Role;
    }
    return true;
  }
  bool EndObject(rapidjson::SizeType) {
    --depth_;
    if (depth_ == 2 && in_message_) {
      in_message_ = false;
      if (!has_role_) {
        std::string at = "messages[" + std::to_string(info_.message_count - 1) + "]";
        return fail(canonical::ApiError::invalid("Missing required parameter: '" + at + ".role'.", at + ".role"));
      }
    }
    if (depth_ == 1) in_stream_options_ = false;
    return true;
  }
  bool StartArray() {
    if (depth_ >= max_depth_) return too_deep();
    if (depth_ == 0) return fail(canonical::ApiError::invalid("The request body must be a JSON object, not an array"));
    if (depth_ == 1 && key_ == Field::Messages) { in_messages_ = true; saw_messages = true; }
    else if (depth_ == 1 && !check_container(Field::Other, "an array")) return false;
    if (depth_ == 2 && in_messages_)
      return fail(canonical::ApiError::invalid("Invalid type for 'messages[" + std::to_string(info_.message_count) +
                                        "]': expected an object, but got an array instead.",
                                    "messages[" + std::to_string(info_.message_count) + "]"));
    ++depth_;
    return true;
  }
  bool EndArray(rapidjson::SizeType) {
    --depth_;
    if (depth_ == 1 && in_messages_) in_messages_ = false;
    return true;
  }

 private:
  enum class Field { Other, Model, Messages, Stream, StreamOptions, IncludeUsage, Role };

  bool fail(canonical::ApiError e) { error = std::move(e); return false; }
  bool too_deep() {
    // The reader has taken the bracket: it sits just before the stream's position.
    return fail(json_too_deep(kLeadIn, max_depth_, in_.Tell() - 1));
  }

  // A scalar value where an object/array or another type is required.
  bool value_scalar(const char* what, bool = false) {
    if (depth_ == 0) return fail(canonical::ApiError::invalid("The request body must be a JSON object"));
    if (depth_ == 1) {
      if (key_ == Field::Model)
        return fail(canonical::ApiError::invalid(std::string("Invalid type for 'model': expected a string, but got ") + what + " instead.", "model"));
      if (key_ == Field::Messages)
        return fail(canonical::ApiError::invalid(std::string("Invalid type for 'messages': expected an array, but got ") + what + " instead.", "messages"));
      if (key_ == Field::Stream)
        return fail(canonical::ApiError::invalid(std::string("Invalid type for 'stream': expected a boolean, but got ") + what + " instead.", "stream"));
      if (key_ == Field::StreamOptions && std::string_view(what) != "null")
        return fail(canonical::ApiError::invalid(std::string("Invalid type for 'stream_options': expected an object, but got ") + what + " instead.", "stream_options"));
    }
    if (depth_ == 2 && in_messages_)
      return fail(canonical::ApiError::invalid("Invalid type for 'messages[" + std::to_string(info_.message_count) +
                                        "]': expected an object, but got " + what + " instead.",
                                    "messages[" + std::to_string(info_.message_count) + "]"));
    if (depth_ == 3 && in_message_ && key_ == Field::Role)
      return fail(canonical::ApiError::invalid("Invalid type for 'messages[" + std::to_string(info_.message_count - 1) +
                                        "].role': expected a string.",
                                    "messages[" + std::to_string(info_.message_count - 1) + "].role"));
    return true;
  }
  bool after_value() { return true; }
  bool check_container(Field allowed, const char* what) {
    if (key_ == Field::Model) return value_scalar(what);
    if (key_ == Field::Stream) return value_scalar(what);
    if (key_ == Field::Messages && allowed != Field::Messages) return value_scalar(what);
    if (key_ == Field::StreamOptions && allowed != Field::StreamOptions) return value_scalar(what);
    return true;
  }
  std::string_view body_;
  ScanStream& in_;
  ChatRequestInfo& info_;
  int max_depth_;
  int depth_ = 0;
  Field key_ = Field::Other;
  bool saw_model_key_ = false;
  bool in_messages_ = false, in_message_ = false, has_role_ = false, in_stream_options_ = false;
};

}  // namespace

std::optional<canonical::ApiError> scan_chat_request(const std::string& body, ChatRequestInfo& info, unsigned max_depth) {
  ScanStream in(nullptr);
  std::optional<Tallying<ScanHandler>> handler;
  auto fresh = [&]() -> Tallying<ScanHandler>& {
    info = ChatRequestInfo{};
    return handler.emplace(info.tally, body, in, info, max_depth);
  };
  if (auto failed = scan_json_body(body, in, fresh, kLeadIn, max_depth)) return failed;
  if (info.routing_fields) return std::nullopt;  // the second scan, on the cut body, checks the rest
  if (!handler->saw_model) return canonical::ApiError::invalid("Missing required parameter: 'model'.", "model");
  if (!handler->saw_messages) return canonical::ApiError::invalid("Missing required parameter: 'messages'.", "messages");
  if (info.message_count == 0)
    return canonical::ApiError::invalid("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
                             "messages", "empty_array");
  return std::nullopt;
}

std::string rewrite_model(std::string_view body, const ChatRequestInfo& info, std::string_view model) {
  return util::replace_json_string_span(body, info.model_begin, info.model_end, model);
}

}  // namespace llmgw::frontends
