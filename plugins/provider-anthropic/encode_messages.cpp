#include "encode_messages.hpp"

#include <llmgw/json_depth.hpp>

#include <plugin_util/data_url.hpp>

#include <vector>

namespace llmgw::provider_anthropic {
namespace {

using namespace encode_util;

/// The string member `name`, or throws naming `where`.
std::string_view required_string(const Value& obj, const char* name, const std::string& where) {
  const Value* v = member(obj, name);
  if (!v || !v->IsString()) bad(where + "." + name + " must be a string");
  return sv(*v);
}

/// A shallow copy of cache_control (its strings stay references into the input).
void copy_cache_control(const Value& from, Value& block, Allocator& a) {
  if (const Value* cc = member(from, "cache_control")) block.AddMember("cache_control", Value(*cc, a), a);
}

Value text_block(std::string_view text, Allocator& a) {
  Value b(rapidjson::kObjectType);
  b.AddMember("type", "text", a);
  b.AddMember("text", ref(text), a);
  return b;
}

/// "data:<media type>[;params];base64,<data>" split (plugin_util/data_url.hpp).
using plugin_util::split_data_url;

Value document_block(const Value& part, const std::string& where, Allocator& a) {
  const Value* file = member(part, "file");
  const Value* data_url = file ? member(*file, "file_data") : nullptr;
  if (!data_url || !data_url->IsString()) unsupported(where + ": only file parts with file_data (a base64 data URL) are supported by Anthropic");
  std::string_view media_type, data;
  if (!split_data_url(sv(*data_url), media_type, data) || media_type != "application/pdf")
    unsupported(where + ": Anthropic accepts file_data only as a data:application/pdf;base64 URL");
  Value source(rapidjson::kObjectType);
  source.AddMember("type", "base64", a);
  source.AddMember("media_type", ref(media_type), a);
  source.AddMember("data", ref(data), a);
  Value b(rapidjson::kObjectType);
  b.AddMember("type", "document", a);
  b.AddMember("source", source, a);
  return b;
}

/// One content part of a user / assistant / tool message → block (appended to `blocks`).
/// Empty text is skipped (Anthropic refuses empty text blocks).
void add_part(const Value& part, const std::string& where, bool allow_media, Value& blocks, Allocator& a) {
  if (part.IsString()) {
    if (part.GetStringLength()) blocks.PushBack(text_block(sv(part), a), a);
    return;
  }
  const Value* type = member(part, "type");
  if (!type || !type->IsString()) bad(where + ".type must be a string");
  const std::string_view t = sv(*type);
  Value block;
  if (t == "text" || t == "refusal") {
    const std::string_view text = required_string(part, t == "text" ? "text" : "refusal", where);
    if (text.empty()) return;
    block = text_block(text, a);
  } else if (t == "image_url" && allow_media) {
    const Value* image = member(part, "image_url");
    if (!image) bad(where + ".image_url is missing");
    block = image_block(*image, where, a);
  } else if (t == "file" && allow_media) {
    block = document_block(part, where, a);
  } else if (t == "input_audio") {
    unsupported(where + ": audio input (input_audio) is not supported by Anthropic");
  } else {
    unsupported(where + ": content part type '" + std::string(t) + "' is not supported here by Anthropic");
  }
  copy_cache_control(part, block, a);
  blocks.PushBack(block, a);
}

/// A message's content (string, array of parts, or null) → blocks.
void add_content(const Value* content, const std::string& where, bool allow_media, Value& blocks, Allocator& a) {
  if (!content) return;
  if (content->IsString()) {
    add_part(*content, where, allow_media, blocks, a);
  } else if (content->IsArray()) {
    for (rapidjson::SizeType i = 0; i < content->Size(); ++i)
      add_part((*content)[i], where + ".content[" + std::to_string(i) + "]", allow_media, blocks, a);
  } else {
    bad(where + ".content must be a string, an array of parts or null");
  }
}

void add_thinking_blocks(const Value& thinking_blocks, const std::string& where, Value& blocks, Allocator& a) {
  if (!thinking_blocks.IsArray()) bad(where + ".thinking_blocks must be an array");
  for (rapidjson::SizeType i = 0; i < thinking_blocks.Size(); ++i) {
    const Value& tb = thinking_blocks[i];
    const std::string w = where + ".thinking_blocks[" + std::to_string(i) + "]";
    const std::string_view type = required_string(tb, "type", w);
    Value b(rapidjson::kObjectType);
    b.AddMember("type", ref(type), a);
    if (type == "thinking") {
      b.AddMember("thinking", ref(required_string(tb, "thinking", w)), a);
      if (const Value* sig = member(tb, "signature")) b.AddMember("signature", Value(*sig, a), a);
    } else if (type == "redacted_thinking") {
      b.AddMember("data", ref(required_string(tb, "data", w)), a);
    } else {
      bad(w + ".type must be 'thinking' or 'redacted_thinking'");
    }
    blocks.PushBack(b, a);
  }
}

/// The parsed `arguments` of a tool call (a JSON text, or an object some clients send as is).
Value tool_input(const Value& function, const std::string& where, Allocator& a) {
  const Value* args = member(function, "arguments");
  if (!args) return Value(rapidjson::kObjectType);
  if (args->IsObject()) return Value(*args, a);
  if (!args->IsString()) bad(where + ".function.arguments must be a JSON string");
  const std::string_view text = sv(*args);
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return Value(rapidjson::kObjectType);
  rapidjson::Document parsed(&a);
  const JsonResult result = parse_bounded(parsed, text);
  if (result.too_deep())
    bad(where + ".function.arguments nests deeper than " + std::to_string(kJsonMaxDepth) + " levels");
  if (!result || !parsed.IsObject()) bad(where + ".function.arguments is not a valid JSON object");
  Value input;
  input = static_cast<Value&>(parsed);  // moves: the nodes live in `a`
  return input;
}

void add_tool_calls(const Value& tool_calls, const std::string& where, Value& blocks, Allocator& a) {
  if (!tool_calls.IsArray()) bad(where + ".tool_calls must be an array");
  for (rapidjson::SizeType i = 0; i < tool_calls.Size(); ++i) {
    const Value& call = tool_calls[i];
    const std::string w = where + ".tool_calls[" + std::to_string(i) + "]";
    const Value* function = member(call, "function");
    if (!function || !function->IsObject()) bad(w + ".function must be an object");
    Value b(rapidjson::kObjectType);
    b.AddMember("type", "tool_use", a);
    b.AddMember("id", ref(required_string(call, "id", w)), a);
    b.AddMember("name", ref(required_string(*function, "name", w + ".function")), a);
    b.AddMember("input", tool_input(*function, w, a), a);
    copy_cache_control(call, b, a);
    blocks.PushBack(b, a);
  }
}

Value tool_result(const Value& msg, const std::string& where, Allocator& a) {
  Value b(rapidjson::kObjectType);
  b.AddMember("type", "tool_result", a);
  b.AddMember("tool_use_id", ref(required_string(msg, "tool_call_id", where)), a);
  const Value* content = member(msg, "content");
  if (content && content->IsString()) {
    b.AddMember("content", ref(sv(*content)), a);
  } else if (content) {
    Value parts(rapidjson::kArrayType);
    add_content(content, where, true, parts, a);
    b.AddMember("content", parts, a);
  }
  if (const Value* is_error = member(msg, "is_error"); is_error && is_error->IsBool() && is_error->GetBool())
    b.AddMember("is_error", true, a);
  return b;
}

/// The conversation being built: merges a message into the previous one of the same role.
class Conversation {
 public:
  Conversation(Value& out, Allocator& a) : out_(out), a_(a) { out_.SetArray(); }

  void add(std::string_view role, Value& blocks) {
    if (blocks.Empty()) return;
    if (out_.Empty() || last_role_ != role) {
      Value m(rapidjson::kObjectType);
      m.AddMember("role", ref(role == "user" ? "user" : "assistant"), a_);
      m.AddMember("content", Value(rapidjson::kArrayType), a_);
      out_.PushBack(m, a_);
      last_role_ = role;
    }
    Value& content = out_[out_.Size() - 1]["content"];
    for (auto& b : blocks.GetArray()) content.PushBack(b, a_);
  }

  /// A message whose only block is plain text goes out with string content.
  void simplify() {
    for (auto& m : out_.GetArray()) {
      Value& content = m["content"];
      if (content.Size() == 1 && content[0]["type"] == "text" && !content[0].HasMember("cache_control")) {
        Value text;
        text = content[0]["text"];
        content = text;
      }
    }
  }

 private:
  Value& out_;
  Allocator& a_;
  std::string_view last_role_;
};

/// System text: kept as blocks when any carries cache_control, else joined into one string.
struct SystemText {
  Value blocks{rapidjson::kArrayType};
  bool cached = false;

  void add(const Value& msg, const std::string& where, Allocator& a) {
    const Value* content = member(msg, "content");
    const rapidjson::SizeType before = blocks.Size();
    if (content && content->IsArray()) {
      for (rapidjson::SizeType i = 0; i < content->Size(); ++i) {
        const Value& part = (*content)[i];
        const std::string w = where + ".content[" + std::to_string(i) + "]";
        const Value* type = member(part, "type");
        if (!part.IsString() && (!type || *type != "text"))
          unsupported(w + ": system messages may carry text parts only");
        add_part(part, w, false, blocks, a);
      }
    } else {
      add_content(content, where, false, blocks, a);
    }
    for (rapidjson::SizeType i = before; i < blocks.Size(); ++i) cached = cached || blocks[i].HasMember("cache_control");
    if (const Value* cc = member(msg, "cache_control"); cc && blocks.Size() > before && !blocks[blocks.Size() - 1].HasMember("cache_control")) {
      blocks[blocks.Size() - 1].AddMember("cache_control", Value(*cc, a), a);
      cached = true;
    }
  }

  void finish(std::string_view extra, Value& out, Allocator& a) {
    if (!extra.empty()) blocks.PushBack(text_block(extra, a), a);
    if (blocks.Empty()) return;
    if (cached) {
      out = blocks;
      return;
    }
    std::string joined;
    for (auto& b : blocks.GetArray()) {
      if (!joined.empty()) joined += "\n\n";
      joined.append(b["text"].GetString(), b["text"].GetStringLength());
    }
    out.SetString(joined.data(), static_cast<rapidjson::SizeType>(joined.size()), a);
  }
};

}  // namespace

Value image_block(const Value& image_url, std::string_view where, Allocator& a) {
  const Value* url = image_url.IsString() ? &image_url : member(image_url, "url");
  if (!url || !url->IsString()) bad(std::string(where) + ".image_url.url must be a string");
  const std::string_view u = sv(*url);
  Value source(rapidjson::kObjectType);
  std::string_view media_type, data;
  if (split_data_url(u, media_type, data)) {
    source.AddMember("type", "base64", a);
    source.AddMember("media_type", ref(media_type), a);
    source.AddMember("data", ref(data), a);
  } else if (u.starts_with("https://") || u.starts_with("http://")) {
    source.AddMember("type", "url", a);
    source.AddMember("url", ref(u), a);
  } else {
    bad(std::string(where) + ".image_url.url must be a data:…;base64 URL or an http(s) URL");
  }
  Value b(rapidjson::kObjectType);
  b.AddMember("type", "image", a);
  b.AddMember("source", source, a);
  return b;
}

void translate_messages(const Value& messages, std::string_view extra_system, Value& system_out,
                        Value& messages_out, Allocator& a) {
  if (!messages.IsArray()) bad("messages must be an array");
  SystemText system;
  Conversation conversation(messages_out, a);
  for (rapidjson::SizeType i = 0; i < messages.Size(); ++i) {
    const Value& msg = messages[i];
    const std::string where = "messages[" + std::to_string(i) + "]";
    if (!msg.IsObject()) bad(where + " must be an object");
    const std::string_view role = required_string(msg, "role", where);
    Value blocks(rapidjson::kArrayType);
    if (role == "system" || role == "developer") {
      system.add(msg, where, a);
      continue;
    }
    if (role == "user") {
      add_content(member(msg, "content"), where, true, blocks, a);
    } else if (role == "assistant") {
      if (const Value* tb = member(msg, "thinking_blocks")) add_thinking_blocks(*tb, where, blocks, a);
      add_content(member(msg, "content"), where, false, blocks, a);
      if (const Value* tc = member(msg, "tool_calls")) add_tool_calls(*tc, where, blocks, a);
    } else if (role == "tool") {
      blocks.PushBack(tool_result(msg, where, a), a);
    } else if (role == "function") {
      unsupported(where + ": the legacy 'function' role is not supported; use tool messages");
    } else {
      bad(where + ".role '" + std::string(role) + "' is not a chat role");
    }
    if (const Value* cc = member(msg, "cache_control"); cc && !blocks.Empty() && !blocks[blocks.Size() - 1].HasMember("cache_control"))
      blocks[blocks.Size() - 1].AddMember("cache_control", Value(*cc, a), a);
    conversation.add(role == "assistant" ? "assistant" : "user", blocks);
  }
  conversation.simplify();
  system.finish(extra_system, system_out, a);
}

}  // namespace llmgw::provider_anthropic
