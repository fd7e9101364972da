#include "encode_messages.hpp"

#include "wire.hpp"

#include <plugin_util/bounded_json.hpp>
#include <plugin_util/data_url.hpp>

#include <string>

namespace llmgw::provider_bedrock {
namespace {

using namespace plugin_util;
using namespace plugin_util::json;

Value text_block(std::string_view text, Allocator& a) {
  Value b(rapidjson::kObjectType);
  b.AddMember("text", copy(text, a), a);
  return b;
}

void push_with_cache_point(Value& blocks, Value block, const Value& part, Allocator& a) {
  blocks.PushBack(block, a);
  if (member(part, "cache_control")) blocks.PushBack(cache_point(a), a);
}

Value image_block(const Value& part, const std::string& where, Allocator& a) {
  const Value& image = get(part, "image_url");
  const std::string_view url = image.IsString() ? sv(image) : str_member(image, "url");
  if (url.empty()) bad(where + ".image_url.url must be a string");
  std::string_view media_type, data;
  if (!split_data_url(url, media_type, data))
    unsupported(where + ": Bedrock takes images as data:image/…;base64 URLs only (it fetches no URLs)");
  std::string_view format;
  for (const ImageFormat& f : kImageFormats)
    if (f.media_type == media_type) format = f.format;
  if (format.empty()) unsupported(where + ": image type '" + std::string(media_type) + "' is not supported by Bedrock (png, jpeg, gif, webp)");
  Value source(rapidjson::kObjectType);
  source.AddMember("bytes", copy(data, a), a);
  Value img(rapidjson::kObjectType);
  img.AddMember("format", copy(format, a), a);
  img.AddMember("source", source, a);
  Value b(rapidjson::kObjectType);
  b.AddMember("image", img, a);
  return b;
}

/// A Converse document name: letters, digits, single spaces, '-', '(', ')', '[', ']' (what
/// Bedrock allows), at most 200 characters; "document-<n>" when nothing is left.
std::string document_name(std::string_view filename, std::size_t n) {
  std::string out;
  for (char c : filename) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '(' ||
                      c == ')' || c == '[' || c == ']';
    if (keep) out.push_back(c);
    else if (!out.empty() && out.back() != ' ') out.push_back(' ');
    if (out.size() >= 200) break;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out.empty() ? "document-" + std::to_string(n) : out;
}

/// A canonical file part (file.file_data, a base64 data URL) → {"document"}. Converse requires
/// names unique within a request: `n` (the request's document count) keeps them apart.
Value document_block(const Value& part, const std::string& where, std::size_t n, Allocator& a) {
  const Value& file = get(part, "file");
  const std::string_view url = str_member(file, "file_data");
  std::string_view media_type, data;
  if (!split_data_url(url, media_type, data))
    unsupported(where + ": Bedrock takes files as file_data data:…;base64 URLs only (no file_id)");
  std::string_view format;
  for (const ImageFormat& f : kDocumentFormats)
    if (f.media_type == media_type) format = f.format;
  if (format.empty()) unsupported(where + ": document type '" + std::string(media_type) + "' is not supported by Bedrock");
  std::string name = document_name(str_member(file, "filename"), n);
  if (n > 1 && !str_member(file, "filename").empty()) name += " (" + std::to_string(n) + ")";
  Value source(rapidjson::kObjectType);
  source.AddMember("bytes", copy(data, a), a);
  Value doc(rapidjson::kObjectType);
  doc.AddMember("format", copy(format, a), a);
  doc.AddMember("name", copy(name, a), a);
  doc.AddMember("source", source, a);
  Value b(rapidjson::kObjectType);
  b.AddMember("document", doc, a);
  return b;
}

/// A message's content (string, parts or null) appended to `blocks`. Images and files only when
/// `images`; `documents` counts the request's documents (their names must differ).
void add_content(const Value* content, const std::string& where, bool images, Value& blocks, std::size_t& documents,
                 Allocator& a) {
  if (!content) return;
  if (content->IsString()) {
    if (content->GetStringLength() > 0) blocks.PushBack(text_block(sv(*content), a), a);
    return;
  }
  if (!content->IsArray()) bad(where + ".content must be a string, an array of parts or null");
  for (rapidjson::SizeType i = 0; i < content->Size(); ++i) {
    const Value& p = (*content)[i];
    const std::string w = where + ".content[" + std::to_string(i) + "]";
    if (p.IsString()) {
      blocks.PushBack(text_block(sv(p), a), a);
      continue;
    }
    const std::string_view type = str_member(p, "type");
    if (type == "text" || type == "refusal") {
      const Value* t = member(p, type == "text" ? "text" : "refusal");
      if (!t || !t->IsString()) bad(w + "." + std::string(type) + " must be a string");
      if (t->GetStringLength() == 0 && !member(p, "cache_control")) continue;  // Converse refuses blank text blocks
      push_with_cache_point(blocks, text_block(sv(*t), a), p, a);
    } else if (type == "image_url" && images) {
      push_with_cache_point(blocks, image_block(p, w, a), p, a);
    } else if (type == "file" && images) {
      push_with_cache_point(blocks, document_block(p, w, ++documents, a), p, a);
    } else {
      unsupported(w + ": content part type '" + std::string(type) + "' is not supported by provider-bedrock");
    }
  }
}

/// thinking_blocks (sent back by the client) → reasoningContent blocks.
void add_reasoning(const Value& thinking_blocks, const std::string& where, Value& blocks, Allocator& a) {
  if (!thinking_blocks.IsArray()) bad(where + ".thinking_blocks must be an array");
  for (const Value& tb : thinking_blocks.GetArray()) {
    const std::string_view type = str_member(tb, "type");
    Value rc(rapidjson::kObjectType);
    if (type == "thinking") {
      Value rt(rapidjson::kObjectType);
      rt.AddMember("text", copy(str_member(tb, "thinking"), a), a);
      if (const std::string_view sig = str_member(tb, "signature"); !sig.empty()) rt.AddMember("signature", copy(sig, a), a);
      rc.AddMember("reasoningText", rt, a);
    } else if (type == "redacted_thinking") {
      rc.AddMember("redactedContent", copy(str_member(tb, "data"), a), a);
    } else {
      bad(where + ".thinking_blocks: type must be thinking or redacted_thinking");
    }
    Value b(rapidjson::kObjectType);
    b.AddMember("reasoningContent", rc, a);
    blocks.PushBack(b, a);
  }
}

/// A tool call's arguments (JSON text or an object) → the toolUse input object.
Value tool_input(const Value* args, const std::string& where, Allocator& a) {
  if (!args) return Value(rapidjson::kObjectType);
  if (args->IsObject()) return Value(*args, a);
  if (!args->IsString()) bad(where + ".function.arguments must be a JSON string");
  if (args->GetStringLength() == 0) return Value(rapidjson::kObjectType);
  rapidjson::Document d(&a);
  if (plugin_util::parse_bounded(d, sv(*args)) != JsonParse::kOk || !d.IsObject())
    bad(where + ".function.arguments must be a JSON object (Bedrock takes tool input as an object)");
  return Value(d, a);
}

/// Tool result content: a string, or text parts joined.
std::string tool_text(const Value* content, const std::string& where) {
  if (!content) return {};
  if (content->IsString()) return std::string(sv(*content));
  if (!content->IsArray()) bad(where + ".content must be a string or an array of text parts");
  std::string text;
  for (const Value& p : content->GetArray()) {
    if (p.IsString()) text += sv(p);
    else if (str_member(p, "type") == "text") text += str_member(p, "text");
    else unsupported(where + ": only text tool results are supported by provider-bedrock");
  }
  return text;
}

/// Appends `blocks` as a turn of `role`, merged into the previous turn when it has that role.
void add_turn(Value& messages, std::string_view role, Value& blocks, Allocator& a) {
  if (blocks.Empty()) return;
  if (!messages.Empty()) {
    Value& last = messages[messages.Size() - 1];
    if (str_member(last, "role") == role) {
      for (Value& b : blocks.GetArray()) last["content"].PushBack(b, a);
      return;
    }
  }
  Value m(rapidjson::kObjectType);
  m.AddMember("role", copy(role, a), a);
  m.AddMember("content", blocks, a);
  messages.PushBack(m, a);
}

}  // namespace

Value cache_point(Allocator& a) {
  Value cp(rapidjson::kObjectType);
  cp.AddMember("type", "default", a);
  Value b(rapidjson::kObjectType);
  b.AddMember("cachePoint", cp, a);
  return b;
}

ConverseMessages translate_messages(const Value& messages, Allocator& a) {
  if (!messages.IsArray()) bad("messages must be an array");
  ConverseMessages out;
  std::size_t documents = 0;
  for (rapidjson::SizeType i = 0; i < messages.Size(); ++i) {
    const Value& m = messages[i];
    const std::string where = "messages[" + std::to_string(i) + "]";
    const std::string_view role = str_member(m, "role");
    Value blocks(rapidjson::kArrayType);
    if (role == "system" || role == "developer") {
      add_content(member(m, "content"), where, false, out.system, documents, a);
      if (member(m, "cache_control") && !out.system.Empty()) out.system.PushBack(cache_point(a), a);
    } else if (role == "user") {
      add_content(member(m, "content"), where, true, blocks, documents, a);
      add_turn(out.messages, "user", blocks, a);
    } else if (role == "assistant") {
      if (const Value* tb = member(m, "thinking_blocks")) add_reasoning(*tb, where, blocks, a);
      add_content(member(m, "content"), where, false, blocks, documents, a);
      if (const Value* calls = member(m, "tool_calls")) {
        if (!calls->IsArray()) bad(where + ".tool_calls must be an array");
        for (rapidjson::SizeType k = 0; k < calls->Size(); ++k) {
          const Value& c = (*calls)[k];
          const std::string w = where + ".tool_calls[" + std::to_string(k) + "]";
          const Value& f = get(c, "function");
          if (str_member(f, "name").empty()) bad(w + ".function.name must be a non-empty string");
          if (str_member(c, "id").empty()) bad(w + ".id must be a non-empty string");
          Value use(rapidjson::kObjectType);
          use.AddMember("toolUseId", copy(str_member(c, "id"), a), a);
          use.AddMember("name", copy(str_member(f, "name"), a), a);
          use.AddMember("input", tool_input(member(f, "arguments"), w, a), a);
          Value b(rapidjson::kObjectType);
          b.AddMember("toolUse", use, a);
          blocks.PushBack(b, a);
          out.has_tool_blocks = true;
        }
      }
      add_turn(out.messages, "assistant", blocks, a);
    } else if (role == "tool") {
      const std::string_view id = str_member(m, "tool_call_id");
      if (id.empty()) bad(where + ".tool_call_id must be a non-empty string");
      Value content(rapidjson::kArrayType);
      content.PushBack(text_block(tool_text(member(m, "content"), where), a), a);
      Value result(rapidjson::kObjectType);
      result.AddMember("toolUseId", copy(id, a), a);
      result.AddMember("content", content, a);
      if (const Value* e = member(m, "is_error"); e && e->IsTrue()) result.AddMember("status", "error", a);
      Value b(rapidjson::kObjectType);
      b.AddMember("toolResult", result, a);
      blocks.PushBack(b, a);
      out.has_tool_blocks = true;
      add_turn(out.messages, "user", blocks, a);
    } else if (role == "function") {
      unsupported(where + ": the legacy 'function' role is not supported; use tool messages");
    } else {
      bad(where + ".role must be system, developer, user, assistant or tool");
    }
  }
  return out;
}

}  // namespace llmgw::provider_bedrock
