#include "frontends/anthropic_messages/messages_request_scan.hpp"

#include <cmath>

#include <rapidjson/reader.h>

#include "frontends/json_body_scan.hpp"
#include "frontends/tallying_handler.hpp"
#include "util/json_span.hpp"

namespace llmgw::frontends::anthropic {
namespace {

constexpr std::string_view kLeadIn = "The request body is not valid JSON: ";

canonical::ApiError invalid(std::string message, std::string param = {}, std::string code = {}) {
  return canonical::ApiError::invalid(std::move(message), std::move(param), std::move(code));
}

/// SAX handler. depth_ counts the open containers: top-level keys sit at depth 1, messages at
/// depth 2, a message's keys at depth 3. Any rule broken stops the parse with `error` set.
class ScanHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, ScanHandler> {
 public:
  ScanHandler(const std::string& body, ScanStream& in, MessagesRequestInfo& info, const ScanOptions& options)
      : body_(body), in_(in), info_(info), require_max_tokens_(options.require_max_tokens),
        max_depth_(static_cast<int>(options.max_depth)) {}

  std::optional<canonical::ApiError> error;
  bool saw_model = false, saw_messages = false, saw_max_tokens = false;

  bool Null() {
    if (depth_ == 1 && key_ == Field::Stream) return true;  // null = the default (false)
    if (depth_ == 1 && key_ == Field::MaxTokens && !require_max_tokens_) return true;
    return scalar("null");
  }
  bool Bool(bool b) {
    if (depth_ == 1 && key_ == Field::Stream) { info_.stream = b; return true; }
    return scalar("a boolean");
  }
  bool Int(int i) { return integer(i); }
  bool Uint(unsigned u) { return integer(u); }
  bool Int64(int64_t i) { return integer(i); }
  bool Uint64(uint64_t u) { return integer(u > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(u)); }
  bool Double(double d) {
    // Anthropic (pydantic, lax) takes 1024.0 for an integer field.
    if (depth_ == 1 && key_ == Field::MaxTokens && std::floor(d) == d && std::fabs(d) < 9e18)
      return integer(static_cast<int64_t>(d));
    return scalar("a number");
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
      if (v.empty()) return fail(invalid("model: String should have at least 1 character", "model"));
      return true;
    }
    if (depth_ == 3 && key_ == Field::Role) {
      // "system" inside messages: Anthropic's mid-conversation-system beta (Claude Code sends it).
      if (v == "user" || v == "assistant" || v == "system") { has_role_ = true; return true; }
      return fail(invalid(at() + ".role: Input should be 'user', 'assistant' or 'system'", at() + ".role"));
    }
    if (depth_ == 3 && key_ == Field::Content) { has_content_ = true; return true; }
    return scalar("a string");
  }
  bool StartObject() {
    if (depth_ >= max_depth_) return too_deep();
    if (depth_ == 0) { ++depth_; return true; }
    if (!container("a dictionary")) return false;
    if (depth_ == 2 && in_messages_) {
      ++info_.message_count;
      has_role_ = has_content_ = false;
    }
    ++depth_;
    return true;
  }
  bool Key(const char* s, rapidjson::SizeType len, bool) {
    std::string_view k(s, len);
    key_ = Field::Other;
    if ((len == 13 && k == "cache_control") || (len == 16 && k == "prompt_cache_key")) info_.cache_requested = true;
    if (depth_ == 1) {
      if (k == "model") {
        if (saw_model_key_) return fail(invalid("model: given more than once; send it once", "model", "duplicate_key"));
        saw_model_key_ = true;
        key_ = Field::Model;
      } else if (k == "fallbacks" || k == "models") info_.routing_fields = true;
      else if (k == "messages") key_ = Field::Messages;
      else if (k == "stream") key_ = Field::Stream;
      else if (k == "max_tokens") key_ = Field::MaxTokens;
    } else if (depth_ == 3 && in_messages_) {
      if (k == "role") key_ = Field::Role;
      else if (k == "content") key_ = Field::Content;
    }
    return true;
  }
  bool EndObject(rapidjson::SizeType) {
    --depth_;
    if (depth_ == 2 && in_messages_) {
      if (!has_role_) return fail(invalid(at() + ".role: Field required", at() + ".role"));
      if (!has_content_) return fail(invalid(at() + ".content: Field required", at() + ".content"));
    }
    if (depth_ >= 1) key_ = Field::Other;  // a value at depth 1 / 3 ended
    return true;
  }
  bool StartArray() {
    if (depth_ >= max_depth_) return too_deep();
    if (depth_ == 0) return fail(invalid("The request body must be a JSON object, not an array"));
    if (depth_ == 1 && key_ == Field::Messages) {
      in_messages_ = saw_messages = true;
      ++depth_;
      return true;
    }
    if (!container("a list")) return false;
    ++depth_;
    return true;
  }
  bool EndArray(rapidjson::SizeType) {
    --depth_;
    if (depth_ == 1) { in_messages_ = false; key_ = Field::Other; }
    return true;
  }

 private:
  enum class Field { Other, Model, Messages, Stream, MaxTokens, Role, Content };

  bool fail(canonical::ApiError e) { error = std::move(e); return false; }
  bool too_deep() {
    // The reader has taken the bracket: it sits just before the stream's position.
    return fail(json_too_deep(kLeadIn, max_depth_, in_.Tell() - 1));
  }
  std::string at() const { return "messages." + std::to_string(info_.message_count - 1); }

  bool integer(int64_t n) {
    if (depth_ == 1 && key_ == Field::MaxTokens) {
      saw_max_tokens = true;
      info_.max_tokens = n;
      if (n < 1 && require_max_tokens_)
        return fail(invalid("max_tokens: Input should be greater than or equal to 1", "max_tokens"));
      return true;
    }
    return scalar("a number");
  }

  // A scalar (of kind `what`) where the field needs something else; fine for other fields.
  bool scalar(const char* what) {
    if (depth_ == 0) return fail(invalid("The request body must be a JSON object"));
    if (depth_ == 1) {
      switch (key_) {
        case Field::Model: return fail(invalid("model: Input should be a valid string", "model"));
        case Field::Messages: return fail(invalid("messages: Input should be a valid list", "messages"));
        case Field::Stream: return fail(invalid("stream: Input should be a valid boolean", "stream"));
        case Field::MaxTokens:
          if (!require_max_tokens_) return true;
          return fail(invalid("max_tokens: Input should be a valid integer", "max_tokens"));
        default: return true;
      }
    }
    if (depth_ == 2 && in_messages_) {
      std::string i = "messages." + std::to_string(info_.message_count);
      return fail(invalid(i + ": Input should be a valid dictionary", i));
    }
    if (depth_ == 3 && in_messages_) {
      if (key_ == Field::Role) return fail(invalid(at() + ".role: Input should be 'user', 'assistant' or 'system'", at() + ".role"));
      if (key_ == Field::Content)
        return fail(invalid(at() + ".content: Input should be a valid string or a list of content blocks", at() + ".content"));
    }
    return true;
  }

  // An object or array is starting where the field needs a scalar (or a message must be an object).
  bool container(const char* what) {
    if (depth_ == 1 && key_ != Field::Other) return scalar(what);  // messages is handled by StartArray
    if (depth_ == 2 && in_messages_ && std::string_view(what) == "a list") return scalar(what);
    if (depth_ == 3 && in_messages_ && key_ == Field::Role) return scalar(what);
    if (depth_ == 3 && in_messages_ && key_ == Field::Content) {
      if (std::string_view(what) == "a list") { has_content_ = true; return true; }
      return scalar(what);
    }
    return true;
  }

  std::string_view body_;
  ScanStream& in_;
  MessagesRequestInfo& info_;
  bool require_max_tokens_;
  int max_depth_;
  int depth_ = 0;
  Field key_ = Field::Other;
  bool saw_model_key_ = false;
  bool in_messages_ = false, has_role_ = false, has_content_ = false;
};

}  // namespace

std::optional<canonical::ApiError> scan_messages_request(const std::string& body, MessagesRequestInfo& info, ScanOptions options) {
  ScanStream in(nullptr);
  std::optional<Tallying<ScanHandler>> handler;
  auto fresh = [&]() -> Tallying<ScanHandler>& {
    info = MessagesRequestInfo{};
    return handler.emplace(info.tally, body, in, info, options);
  };
  if (auto failed = scan_json_body(body, in, fresh, kLeadIn, options.max_depth)) return failed;
  if (info.routing_fields) return std::nullopt;  // the second scan, on the cut body, checks the rest
  if (!handler->saw_model) return invalid("model: Field required", "model");
  if (!handler->saw_max_tokens && options.require_max_tokens) return invalid("max_tokens: Field required", "max_tokens");
  if (!handler->saw_messages) return invalid("messages: Field required", "messages");
  if (info.message_count == 0) return invalid("messages: at least one message is required", "messages");
  return std::nullopt;
}

}  // namespace llmgw::frontends::anthropic
