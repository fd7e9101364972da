#include "frontends/anthropic_messages/to_canonical_request.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <llmgw/json_depth.hpp>

#include "frontends/anthropic_messages/codec_util.hpp"
#include "frontends/anthropic_messages/tool_translation.hpp"

namespace llmgw::frontends::anthropic {
namespace {

using detail::JsonWriter;
using detail::member;
using detail::string_member;
using detail::write_kv;
using detail::write_string;
using rapidjson::Value;

bool is_type(const Value& block, std::string_view type) { return string_member(block, "type") == type; }

class Translator {
 public:
  explicit Translator(JsonWriter& w) : w_(w) {}
  std::optional<canonical::ApiError> error;

  bool run(const Value& req, std::string_view model) {
    w_.StartObject();
    write_kv(w_, "model", model);
    w_.Key("messages");
    w_.StartArray();
    if (const Value* sys = member(req, "system"); sys && !system(*sys)) return false;
    const Value* msgs = member(req, "messages");
    if (!msgs || !msgs->IsArray()) return fail("messages: Input should be a valid list", "messages");
    for (rapidjson::SizeType i = 0; i < msgs->Size(); ++i)
      if (!message((*msgs)[i], "messages." + std::to_string(i))) return false;
    w_.EndArray();

    for (const char* k : {"max_tokens", "temperature", "top_p", "top_k"})
      if (const Value* v = member(req, k); v && v->IsNumber()) { w_.Key(k); v->Accept(w_); }
    if (const Value* stop = member(req, "stop_sequences"); stop && stop->IsArray() && !stop->Empty()) {
      w_.Key("stop");
      stop->Accept(w_);
    }
    if (const Value* s = member(req, "stream"); s && s->IsBool() && s->GetBool()) {
      w_.Key("stream");
      w_.Bool(true);
      w_.Key("stream_options");
      w_.StartObject();
      w_.Key("include_usage");
      w_.Bool(true);
      w_.EndObject();
    }
    if (const Value* meta = member(req, "metadata")) {
      if (const Value* user = member(*meta, "user_id"); user && user->IsString()) {
        w_.Key("user");
        user->Accept(w_);
      }
    }
    if (const Value* thinking = member(req, "thinking"); thinking && thinking->IsObject()) {
      w_.Key("thinking");
      thinking->Accept(w_);
    }
    detail::write_response_format(w_, req);
    if (const Value* tools = member(req, "tools")) {
      if (auto err = detail::write_tools(w_, *tools, member(req, "tool_choice"))) {
        error = std::move(err);
        return false;
      }
    }
    w_.EndObject();
    return true;
  }

 private:
  bool fail(std::string message, std::string param) {
    error = canonical::ApiError::invalid(std::move(message), std::move(param));
    return false;
  }
  bool untranslatable(const std::string& at, std::string_view what) {
    return fail(at + ": " + std::string(what) +
                    " cannot be translated for this model's upstream (not an Anthropic API); use a Claude "
                    "deployment or remove it",
                at);
  }

  void text_part(std::string_view text, const Value* cache_from) {
    w_.StartObject();
    write_kv(w_, "type", "text");
    write_kv(w_, "text", text);
    if (cache_from) detail::copy_cache_control(w_, *cache_from);
    w_.EndObject();
  }

  // ---- system ----
  bool system(const Value& sys) {
    if (sys.IsNull()) return true;
    if (sys.IsString()) {
      if (sys.GetStringLength() == 0) return true;
      w_.StartObject();
      write_kv(w_, "role", "system");
      w_.Key("content");
      sys.Accept(w_);
      w_.EndObject();
      return true;
    }
    if (!sys.IsArray()) return fail("system: Input should be a valid string or a list of text blocks", "system");
    for (rapidjson::SizeType i = 0; i < sys.Size(); ++i) {
      if (!is_type(sys[i], "text") || !member(sys[i], "text") || !member(sys[i], "text")->IsString())
        return fail("system." + std::to_string(i) + ": only text blocks are allowed in system", "system." + std::to_string(i));
    }
    if (sys.Empty()) return true;
    w_.StartObject();
    write_kv(w_, "role", "system");
    w_.Key("content");
    w_.StartArray();
    for (const Value& b : sys.GetArray()) text_part(string_member(b, "text"), &b);
    w_.EndArray();
    w_.EndObject();
    return true;
  }

  // ---- messages ----
  bool message(const Value& msg, const std::string& at) {
    std::string_view role = string_member(msg, "role");
    const Value* content = member(msg, "content");
    // A system message inside the conversation (Anthropic's mid-conversation-system beta, which
    // Claude Code sends) stays a system message at its place.
    if (role == "system" && content) return system(*content);
    if (role != "user" && role != "assistant")
      return fail(at + ".role: Input should be 'user', 'assistant' or 'system'", at + ".role");
    if (!content || !(content->IsString() || content->IsArray()))
      return fail(at + ".content: Input should be a valid string or a list of content blocks", at + ".content");
    if (content->IsString()) {
      w_.StartObject();
      write_kv(w_, "role", role);
      w_.Key("content");
      content->Accept(w_);
      w_.EndObject();
      return true;
    }
    for (rapidjson::SizeType j = 0; j < content->Size(); ++j) {
      const Value& b = (*content)[j];
      if (!b.IsObject() || !member(b, "type") || !member(b, "type")->IsString())
        return fail(at + ".content." + std::to_string(j) + ": Input should be a content block with a type",
                    at + ".content." + std::to_string(j));
    }
    return role == "user" ? user_message(*content, at) : assistant_message(*content, at);
  }

  // Image or document block → an image_url / file / text part. Validates only when !write.
  bool media_part(const Value& b, const std::string& at, bool write) {
    std::string_view type = string_member(b, "type");
    const Value* src = member(b, "source");
    std::string_view src_type = src ? string_member(*src, "type") : std::string_view();
    if (type == "image" && src_type == "base64") {
      if (!write) return true;
      std::string url = "data:";
      url += string_member(*src, "media_type", "image/png");
      url += ";base64,";
      url += string_member(*src, "data");
      w_.StartObject();
      write_kv(w_, "type", "image_url");
      w_.Key("image_url");
      w_.StartObject();
      write_kv(w_, "url", url);
      w_.EndObject();
      detail::copy_cache_control(w_, b);
      w_.EndObject();
      return true;
    }
    if (type == "image" && src_type == "url") {
      if (!write) return true;
      w_.StartObject();
      write_kv(w_, "type", "image_url");
      w_.Key("image_url");
      w_.StartObject();
      write_kv(w_, "url", string_member(*src, "url"));
      w_.EndObject();
      detail::copy_cache_control(w_, b);
      w_.EndObject();
      return true;
    }
    if (type == "document" && src_type == "base64") {
      if (!write) return true;
      std::string data = "data:";
      data += string_member(*src, "media_type", "application/pdf");
      data += ";base64,";
      data += string_member(*src, "data");
      w_.StartObject();
      write_kv(w_, "type", "file");
      w_.Key("file");
      w_.StartObject();
      write_kv(w_, "file_data", data);
      if (std::string_view title = string_member(b, "title"); !title.empty()) {
        write_kv(w_, "filename", title);
      }
      w_.EndObject();
      detail::copy_cache_control(w_, b);
      w_.EndObject();
      return true;
    }
    if (type == "document" && src_type == "text") {
      if (write) text_part(string_member(*src, "data"), &b);
      return true;
    }
    return untranslatable(at + ".source", "a '" + std::string(type) + "' block with source type '" +
                                              std::string(src_type) + "'");
  }

  // tool_result content: validates, and (write) writes the text as the tool message content.
  bool tool_result(const Value& b, const std::string& at, bool write) {
    const Value* c = member(b, "content");
    const Value* cache_from = member(b, "cache_control") ? &b : nullptr;  // or an inner text block's
    std::string text;
    if (c && c->IsString()) {
      text.assign(c->GetString(), c->GetStringLength());
    } else if (c && c->IsArray()) {
      bool first = true;
      for (rapidjson::SizeType k = 0; k < c->Size(); ++k) {
        const Value& part = (*c)[k];
        std::string pat = at + ".content." + std::to_string(k);
        if (is_type(part, "text")) {
          if (!first) text += '\n';
          text += string_member(part, "text");
          first = false;
          if (!member(b, "cache_control") && member(part, "cache_control")) cache_from = &part;
        } else if (is_type(part, "image")) {
          if (!media_part(part, pat, false)) return false;
        } else {
          return untranslatable(pat + ".type", "a '" + std::string(string_member(part, "type")) + "' block in a tool_result");
        }
      }
    } else if (c && !c->IsNull()) {
      return fail(at + ".content: Input should be a valid string or a list of content blocks", at + ".content");
    }
    if (!write) return true;
    w_.StartObject();
    write_kv(w_, "role", "tool");
    write_kv(w_, "tool_call_id", string_member(b, "tool_use_id"));
    w_.Key("content");
    if (cache_from) {  // a cached tool result keeps its breakpoint on a (single, joined) part
      w_.StartArray();
      text_part(text, cache_from);
      w_.EndArray();
    } else {
      write_string(w_, text);
    }
    if (const Value* e = member(b, "is_error"); e && e->IsBool() && e->GetBool()) {
      w_.Key("is_error");
      w_.Bool(true);
    }
    w_.EndObject();
    return true;
  }

  bool user_message(const Value& content, const std::string& at) {
    // Validate everything first and count the parts of the trailing user message.
    std::size_t parts = 0;
    for (rapidjson::SizeType j = 0; j < content.Size(); ++j) {
      const Value& b = content[j];
      std::string bat = at + ".content." + std::to_string(j);
      std::string_view type = string_member(b, "type");
      if (type == "text") {
        ++parts;
      } else if (type == "image" || type == "document") {
        if (!media_part(b, bat, false)) return false;
        ++parts;
      } else if (type == "tool_result") {
        if (!tool_result(b, bat, false)) return false;
        if (const Value* c = member(b, "content"); c && c->IsArray())
          for (const Value& p : c->GetArray()) parts += is_type(p, "image") ? 1 : 0;
      } else {
        return untranslatable(bat + ".type", "content block type '" + std::string(type) + "'");
      }
    }
    // Tool results first: an OpenAI tool message must follow the assistant's tool calls.
    for (rapidjson::SizeType j = 0; j < content.Size(); ++j)
      if (is_type(content[j], "tool_result")) tool_result(content[j], at + ".content." + std::to_string(j), true);
    if (parts == 0) return true;
    w_.StartObject();
    write_kv(w_, "role", "user");
    w_.Key("content");
    w_.StartArray();
    for (rapidjson::SizeType j = 0; j < content.Size(); ++j) {
      const Value& b = content[j];
      std::string bat = at + ".content." + std::to_string(j);
      if (is_type(b, "text")) {
        text_part(string_member(b, "text"), &b);
      } else if (is_type(b, "tool_result")) {
        if (const Value* c = member(b, "content"); c && c->IsArray())
          for (const Value& p : c->GetArray())
            if (is_type(p, "image")) media_part(p, bat, true);
      } else {
        media_part(b, bat, true);
      }
    }
    w_.EndArray();
    w_.EndObject();
    return true;
  }

  bool assistant_message(const Value& content, const std::string& at) {
    std::size_t texts = 0, tools = 0, thinking = 0;
    bool text_cache = false;
    for (rapidjson::SizeType j = 0; j < content.Size(); ++j) {
      const Value& b = content[j];
      std::string_view type = string_member(b, "type");
      if (type == "text") {
        ++texts;
        text_cache = text_cache || member(b, "cache_control");
      } else if (type == "tool_use") {
        ++tools;
      } else if (type == "thinking" || type == "redacted_thinking") {
        ++thinking;
      } else {
        return untranslatable(at + ".content." + std::to_string(j) + ".type",
                              "content block type '" + std::string(type) + "'");
      }
    }
    w_.StartObject();
    write_kv(w_, "role", "assistant");
    w_.Key("content");
    if (texts == 0) {
      if (tools) w_.Null(); else w_.String("");
    } else if (texts == 1 && !text_cache) {
      for (const Value& b : content.GetArray())
        if (is_type(b, "text")) write_string(w_, string_member(b, "text"));
    } else {
      w_.StartArray();
      for (const Value& b : content.GetArray())
        if (is_type(b, "text")) text_part(string_member(b, "text"), &b);
      w_.EndArray();
    }
    if (tools) {
      w_.Key("tool_calls");
      w_.StartArray();
      for (const Value& b : content.GetArray()) {
        if (!is_type(b, "tool_use")) continue;
        w_.StartObject();
        write_kv(w_, "id", string_member(b, "id"));
        write_kv(w_, "type", "function");
        w_.Key("function");
        w_.StartObject();
        write_kv(w_, "name", string_member(b, "name"));
        w_.Key("arguments");
        const Value* input = member(b, "input");
        write_string(w_, input && !input->IsNull() ? detail::compact_json(*input) : std::string("{}"));
        w_.EndObject();
        w_.EndObject();
      }
      w_.EndArray();
    }
    if (thinking) {
      std::string reasoning;
      for (const Value& b : content.GetArray()) {
        if (!is_type(b, "thinking")) continue;
        if (!reasoning.empty()) reasoning += '\n';
        reasoning += string_member(b, "thinking");
      }
      if (!reasoning.empty()) {
        write_kv(w_, "reasoning_content", reasoning);
      }
      w_.Key("thinking_blocks");
      w_.StartArray();
      for (const Value& b : content.GetArray()) {
        bool redacted = is_type(b, "redacted_thinking");
        if (!redacted && !is_type(b, "thinking")) continue;
        w_.StartObject();
        w_.Key("type");
        w_.String(redacted ? "redacted_thinking" : "thinking");
        if (redacted) {
          write_kv(w_, "data", string_member(b, "data"));
        } else {
          write_kv(w_, "thinking", string_member(b, "thinking"));
          write_kv(w_, "signature", string_member(b, "signature"));
        }
        w_.EndObject();
      }
      w_.EndArray();
    }
    w_.EndObject();
    return true;
  }

  JsonWriter& w_;
};

}  // namespace

std::optional<canonical::ApiError> to_canonical_request(std::string_view body, std::string_view upstream_model, std::string& out,
                                             unsigned max_depth) {
  out.clear();
  rapidjson::Document doc;
  const llmgw::JsonResult parsed =
      detail::parse_numbers_exactly<rapidjson::kParseValidateEncodingFlag>(doc, body, max_depth);
  if (parsed.too_deep())
    return canonical::ApiError::invalid("The request body is not valid JSON: arrays and objects nest deeper than " +
                                 std::to_string(max_depth) + " levels (at byte " + std::to_string(parsed.offset) + ")",
                             "", "json_too_deep");
  if (!parsed)
    return canonical::ApiError::invalid(std::string("The request body is not valid JSON: ") + rapidjson::GetParseError_En(parsed.code));
  if (!doc.IsObject()) return canonical::ApiError::invalid("The request body must be a JSON object");
  out.reserve(body.size() + 128);
  detail::StringOut os{out};
  JsonWriter w(os);
  Translator t(w);
  if (!t.run(doc, upstream_model)) {
    out.clear();
    return t.error ? t.error : canonical::ApiError::invalid("The request could not be translated");
  }
  return std::nullopt;
}

}  // namespace llmgw::frontends::anthropic
