#include "frontends/embeddings/embeddings_request_scan.hpp"

#include <rapidjson/reader.h>

#include <cstdint>
#include <string_view>

#include "frontends/json_body_scan.hpp"
#include "frontends/tallying_handler.hpp"
#include "util/json_span.hpp"

namespace llmgw::frontends::embeddings {
namespace {

using canonical::ApiError;

constexpr std::string_view kLeadIn = "We could not parse the JSON body of your request: ";

/// SAX handler over the whole body: depth, the top-level keys that matter, and the shape of
/// "input". Any rule broken stops the parse with `error` set.
class ScanHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, ScanHandler> {
 public:
  ScanHandler(const std::string& body, ScanStream& in, EmbeddingsRequestInfo& info, unsigned max_depth)
      : body_(body), in_(in), info_(info), max_depth_(static_cast<int>(max_depth)) {}

  std::optional<ApiError> error;
  bool saw_model = false, saw_input = false;

  bool Null() { return scalar(Kind::Null, "null"); }
  bool Bool(bool) { return scalar(Kind::Other, "a boolean"); }
  bool Int(int v) { return integer(v); }
  bool Uint(unsigned v) { return integer(v); }
  bool Int64(int64_t v) { return integer(v); }
  bool Uint64(uint64_t v) { return integer(v > INT64_MAX ? -1 : static_cast<int64_t>(v)); }
  bool Double(double) { return scalar(Kind::Other, "a number"); }
  bool RawNumber(const char*, rapidjson::SizeType, bool) { return scalar(Kind::Other, "a number"); }

  bool String(const char* s, rapidjson::SizeType len, bool) {
    const std::string_view v(s, len);
    if (depth_ == 1) {
      switch (key_) {
        case Field::Model:
          saw_model = true;
          info_.model.assign(v);
          // The reader parses a string on a local copy of the stream: it still stands on the
          // value's opening quote.
          info_.model_begin = in_.Tell();
          info_.model_end = util::json_string_end(body_, info_.model_begin);
          if (info_.model_end == std::string_view::npos)
            return fail(ApiError{500, "api_error", "internal_error", "model", "the gateway lost the position of 'model'"});
          if (v.empty()) return fail(ApiError::invalid("'model' must be a non-empty string", "model"));
          return true;
        case Field::Input:
          saw_input = true;
          info_.input_count = 1;
          if (v.empty()) return fail(ApiError::invalid("'input' cannot be an empty string.", "input"));
          return true;
        case Field::EncodingFormat:
          if (v != "float" && v != "base64")
            return fail(ApiError::invalid("Invalid value for 'encoding_format': '" + std::string(v) +
                                              "'. Supported values are: 'float' and 'base64'.",
                                          "encoding_format"));
          return true;
        case Field::Dimensions:
          return fail(ApiError::invalid("Invalid type for 'dimensions': expected an integer, but got a string instead.",
                                        "dimensions"));
        default:
          return true;
      }
    }
    if (depth_ == 2 && key_ == Field::Input) {
      if (!entry(Kind::String)) return false;
      if (v.empty()) return fail(ApiError::invalid("'input[" + std::to_string(info_.input_count - 1) +
                                                       "]' cannot be an empty string.",
                                                   "input"));
      return true;
    }
    if (depth_ == 3 && key_ == Field::Input) return inner_token(false);
    return true;
  }

  bool StartObject() {
    if (depth_ >= max_depth_) return too_deep();
    if (depth_ == 1 && key_ != Field::Other) return wrong_type("an object");
    if (depth_ >= 2 && key_ == Field::Input && depth_ <= 3) return fail(invalid_input());
    ++depth_;
    return true;
  }
  bool Key(const char* s, rapidjson::SizeType len, bool) {
    if (depth_ != 1) return true;
    const std::string_view k(s, len);
    key_ = Field::Other;
    if (k == "model") {
      if (saw_model_key_)
        return fail(ApiError::invalid("'model' appears more than once in the request body; send it once.", "model",
                                      "duplicate_key"));
      saw_model_key_ = true;
      key_ = Field::Model;
    } else if (k == "input") {
      // Twice: the gateway would count one and an upstream might embed (and bill) the other.
      if (saw_input_key_)
        return fail(ApiError::invalid("'input' appears more than once in the request body; send it once.", "input",
                                      "duplicate_key"));
      saw_input_key_ = true;
      key_ = Field::Input;
    } else if (k == "encoding_format") {
      key_ = Field::EncodingFormat;
    } else if (k == "dimensions") {
      key_ = Field::Dimensions;
    } else if (k == "user") {
      key_ = Field::User;
    } else if (k == "fallbacks" || k == "models") {
      info_.routing_fields = true;
    }
    return true;
  }
  bool EndObject(rapidjson::SizeType) {
    --depth_;
    return true;
  }
  bool StartArray() {
    if (depth_ >= max_depth_) return too_deep();
    if (depth_ == 0) return fail(ApiError::invalid("The request body must be a JSON object, not an array"));
    if (depth_ == 1 && key_ == Field::Input) {
      saw_input = true;
      outer_kind_ = Kind::None;
    } else if (depth_ == 1 && key_ != Field::Other) {
      return wrong_type("an array");
    } else if (depth_ == 2 && key_ == Field::Input) {
      if (!entry(Kind::Tokens)) return false;
      inner_count_ = 0;
    } else if (depth_ == 3 && key_ == Field::Input) {
      return fail(invalid_input());
    }
    ++depth_;
    return true;
  }
  bool EndArray(rapidjson::SizeType) {
    --depth_;
    if (depth_ == 1 && key_ == Field::Input && info_.input_count == 0)
      return fail(ApiError::invalid("'input' cannot be an empty array.", "input"));
    if (depth_ == 2 && key_ == Field::Input && inner_count_ == 0)
      return fail(ApiError::invalid("'input[" + std::to_string(info_.input_count - 1) + "]' cannot be an empty array.",
                                    "input"));
    return true;
  }

 private:
  enum class Field { Other, Model, Input, EncodingFormat, Dimensions, User };
  enum class Kind { None, Null, String, Token, Tokens, Other };

  bool fail(ApiError e) {
    error = std::move(e);
    return false;
  }
  bool too_deep() {
    return fail(json_too_deep(kLeadIn, max_depth_, in_.Tell() - 1));
  }
  static ApiError invalid_input() {
    return ApiError::invalid("'input' must be a string, an array of strings, an array of token ids or an array of "
                             "token-id arrays.",
                             "input");
  }
  bool wrong_type(const char* what) {
    const char* name = key_ == Field::Model ? "model" : key_ == Field::Input ? "input"
                       : key_ == Field::EncodingFormat ? "encoding_format" : key_ == Field::Dimensions ? "dimensions"
                                                                                                       : "user";
    const char* want = key_ == Field::Dimensions ? "an integer" : key_ == Field::Input ? "a string or an array" : "a string";
    return fail(ApiError::invalid(std::string("Invalid type for '") + name + "': expected " + want + ", but got " +
                                      what + " instead.",
                                  name));
  }
  /// One more entry of the input array, of `kind`: every entry of one kind, at most kMaxInputs.
  bool entry(Kind kind) {
    if (outer_kind_ != Kind::None && outer_kind_ != kind) return fail(invalid_input());
    outer_kind_ = kind;
    if (++info_.input_count > kMaxInputs)
      return fail(ApiError::invalid("'input' holds more than " + std::to_string(kMaxInputs) + " entries.", "input"));
    return true;
  }
  /// A token id inside a token-id array (depth 3), or a stray scalar there.
  bool inner_token(bool is_token) {
    if (!is_token) return fail(invalid_input());
    ++inner_count_;
    return true;
  }
  bool integer(int64_t v) {
    if (depth_ == 1 && key_ == Field::Dimensions) {
      if (v < 1) return fail(ApiError::invalid("'dimensions' must be at least 1.", "dimensions"));
      return true;
    }
    if (depth_ == 2 && key_ == Field::Input) {
      if (!entry(Kind::Token)) return false;
      if (v < 0) return fail(invalid_input());
      return true;
    }
    if (depth_ == 3 && key_ == Field::Input) return inner_token(v >= 0);
    return scalar(Kind::Token, "an integer");
  }
  /// A scalar value that is not a string and not an accepted integer.
  bool scalar(Kind kind, const char* what) {
    if (depth_ == 0) return fail(ApiError::invalid("The request body must be a JSON object"));
    if (depth_ == 1) {
      if (kind == Kind::Null && key_ != Field::Model && key_ != Field::Input) return true;  // optional, unset
      if (key_ != Field::Other) return wrong_type(what);
      return true;
    }
    if (depth_ >= 2 && depth_ <= 3 && key_ == Field::Input) return fail(invalid_input());
    return true;
  }

  std::string_view body_;
  ScanStream& in_;
  EmbeddingsRequestInfo& info_;
  int max_depth_;
  int depth_ = 0;
  Field key_ = Field::Other;
  Kind outer_kind_ = Kind::None;
  std::size_t inner_count_ = 0;
  bool saw_model_key_ = false, saw_input_key_ = false;
};

}  // namespace

std::optional<ApiError> scan_embeddings_request(const std::string& body, EmbeddingsRequestInfo& info,
                                                unsigned max_depth) {
  ScanStream in(nullptr);
  std::optional<Tallying<ScanHandler>> handler;
  auto fresh = [&]() -> Tallying<ScanHandler>& {
    info = EmbeddingsRequestInfo{};
    return handler.emplace(info.tally, body, in, info, max_depth);
  };
  if (auto failed = scan_json_body(body, in, fresh, kLeadIn, max_depth)) return failed;
  if (info.routing_fields) return std::nullopt;  // the second scan, on the cut body, checks the rest
  if (!handler->saw_model) return ApiError::invalid("Missing required parameter: 'model'.", "model");
  if (!handler->saw_input) return ApiError::invalid("Missing required parameter: 'input'.", "input");
  return std::nullopt;
}

}  // namespace llmgw::frontends::embeddings
