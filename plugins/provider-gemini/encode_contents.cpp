#include "encode_contents.hpp"

#include "tool_ids.hpp"

#include <plugin_util/bounded_json.hpp>
#include <plugin_util/data_url.hpp>

#include <map>
#include <string>
#include <string_view>

namespace llmgw::provider_gemini {
namespace {

using namespace json;

Value text_part(std::string_view text, Allocator& a) {
  Value p(rapidjson::kObjectType);
  p.AddMember("text", copy(text, a), a);
  return p;
}

/// "data:<media type>[;params];base64,<data>" split (plugin_util/data_url.hpp).
using plugin_util::split_data_url;

Value inline_part(std::string_view mime_type, std::string_view data, Allocator& a) {
  Value d(rapidjson::kObjectType);
  d.AddMember("mimeType", copy(mime_type, a), a);
  d.AddMember("data", copy(data, a), a);
  Value p(rapidjson::kObjectType);
  p.AddMember("inlineData", d, a);
  return p;
}

Value data_url_part(std::string_view url, const std::string& where, const char* what, Allocator& a) {
  std::string_view media_type, data;
  if (split_data_url(url, media_type, data)) return inline_part(media_type, data, a);
  if (url.starts_with("http://") || url.starts_with("https://"))
    unsupported(where + ": " + what + " by http(s) URL is not supported by Gemini through llmgw (send a data: URL)");
  bad(where + ": " + what + " must be a data:<type>;base64,… URL");
}

/// One content part of a user or assistant message (string, or an object with a type).
void add_part(const Value& part, const std::string& where, bool allow_media, Value& parts, Allocator& a) {
  if (part.IsString()) {
    if (part.GetStringLength()) parts.PushBack(text_part(sv(part), a), a);
    return;
  }
  const std::string_view type = str_member(part, "type");
  if (type.empty()) bad(where + ".type must be a string");
  if (type == "text" || type == "refusal") {
    const Value* text = member(part, type == "text" ? "text" : "refusal");
    if (!text || !text->IsString()) bad(where + "." + std::string(type) + " must be a string");
    if (text->GetStringLength()) parts.PushBack(text_part(sv(*text), a), a);
  } else if (type == "image_url" && allow_media) {
    const Value& image = get(part, "image_url");
    const Value& url = image.IsString() ? image : get(image, "url");
    if (!url.IsString()) bad(where + ".image_url.url must be a string");
    parts.PushBack(data_url_part(sv(url), where, "an image", a), a);
  } else if (type == "file" && allow_media) {
    const Value& data = get(get(part, "file"), "file_data");
    if (!data.IsString()) unsupported(where + ": only file parts with file_data (a base64 data URL) are supported by Gemini");
    parts.PushBack(data_url_part(sv(data), where, "a file", a), a);
  } else if (type == "input_audio" && allow_media) {
    const Value& audio = get(part, "input_audio");
    const std::string_view data = str_member(audio, "data");
    const std::string_view format = str_member(audio, "format");
    if (data.empty() || format.empty()) bad(where + ".input_audio needs data and format");
    parts.PushBack(inline_part("audio/" + std::string(format), data, a), a);
  } else {
    unsupported(where + ": content part type '" + std::string(type) + "' is not supported here by Gemini");
  }
}

void add_content(const Value* content, const std::string& where, bool allow_media, Value& parts, Allocator& a) {
  if (!content) return;
  if (content->IsString()) {
    add_part(*content, where, allow_media, parts, a);
  } else if (content->IsArray()) {
    for (rapidjson::SizeType i = 0; i < content->Size(); ++i)
      add_part((*content)[i], where + ".content[" + std::to_string(i) + "]", allow_media, parts, a);
  } else {
    bad(where + ".content must be a string, an array of parts or null");
  }
}

/// A tool call's `arguments` (a JSON text, or an object some clients send as is) → args object.
Value call_args(const Value& function, const std::string& where, Allocator& a) {
  const Value* args = member(function, "arguments");
  if (!args) return Value(rapidjson::kObjectType);
  if (args->IsObject()) return Value(*args, a);
  if (!args->IsString()) bad(where + ".function.arguments must be a JSON string");
  const std::string_view text = sv(*args);
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return Value(rapidjson::kObjectType);
  rapidjson::Document parsed;
  if (plugin_util::parse_bounded(parsed, text) != plugin_util::JsonParse::kOk || !parsed.IsObject())
    bad(where + ".function.arguments is not a valid JSON object");
  return Value(parsed, a);
}

/// A tool result's content → functionResponse.response (an object): a JSON object text as is,
/// anything else as {"content": <text>}.
Value tool_response(const Value* content, const std::string& where, Allocator& a) {
  std::string text;
  if (content && content->IsString()) {
    text = sv(*content);
  } else if (content && content->IsArray()) {
    for (rapidjson::SizeType i = 0; i < content->Size(); ++i) {
      const Value& p = (*content)[i];
      if (p.IsString()) text += sv(p);
      else if (str_member(p, "type") == "text") text += str_member(p, "text");
      else unsupported(where + ".content[" + std::to_string(i) + "]: tool results may carry text only for Gemini");
    }
  } else if (content) {
    bad(where + ".content must be a string or an array of text parts");
  }
  rapidjson::Document parsed;
  if (text.find('{') != std::string::npos && plugin_util::parse_bounded(parsed, text) == plugin_util::JsonParse::kOk &&
      parsed.IsObject())
    return Value(parsed, a);
  Value r(rapidjson::kObjectType);
  r.AddMember("content", copy(text, a), a);
  return r;
}

/// The contents being built: merges a turn into the previous one of the same role.
class Contents {
 public:
  Contents(Value& out, Allocator& a) : out_(out), a_(a) { out_.SetArray(); }

  void add(const char* role, Value& parts) {
    if (parts.Empty()) return;
    if (out_.Empty() || last_role_ != role) {
      Value c(rapidjson::kObjectType);
      c.AddMember("role", rapidjson::StringRef(role), a_);
      c.AddMember("parts", Value(rapidjson::kArrayType), a_);
      out_.PushBack(c, a_);
      last_role_ = role;
    }
    Value& into = out_[out_.Size() - 1]["parts"];
    for (auto& p : parts.GetArray()) into.PushBack(p, a_);
  }

 private:
  Value& out_;
  Allocator& a_;
  std::string_view last_role_;
};

}  // namespace

void translate_messages(const Value& messages, Value& system_out, Value& contents_out, Allocator& a) {
  if (!messages.IsArray()) bad("messages must be an array");
  Value system_parts(rapidjson::kArrayType);
  Contents contents(contents_out, a);
  std::map<std::string, std::string, std::less<>> call_names;  // tool call id → function name

  for (rapidjson::SizeType i = 0; i < messages.Size(); ++i) {
    const Value& msg = messages[i];
    const std::string where = "messages[" + std::to_string(i) + "]";
    if (!msg.IsObject()) bad(where + " must be an object");
    const Value* role_v = member(msg, "role");
    if (!role_v || !role_v->IsString()) bad(where + ".role must be a string");
    const std::string_view role = sv(*role_v);
    Value parts(rapidjson::kArrayType);

    if (role == "system" || role == "developer") {
      add_content(member(msg, "content"), where, false, system_parts, a);
      continue;
    }
    if (role == "user") {
      add_content(member(msg, "content"), where, true, parts, a);
      contents.add("user", parts);
    } else if (role == "assistant") {
      add_content(member(msg, "content"), where, false, parts, a);
      if (const Value* calls = member(msg, "tool_calls")) {
        if (!calls->IsArray()) bad(where + ".tool_calls must be an array");
        for (rapidjson::SizeType k = 0; k < calls->Size(); ++k) {
          const Value& call = (*calls)[k];
          const std::string w = where + ".tool_calls[" + std::to_string(k) + "]";
          const Value& function = get(call, "function");
          const std::string_view name = str_member(function, "name");
          if (name.empty()) bad(w + ".function.name must be a non-empty string");
          const std::string_view id = str_member(call, "id");
          if (!id.empty()) call_names[std::string(id)] = std::string(name);
          Value fc(rapidjson::kObjectType);
          fc.AddMember("name", copy(name, a), a);
          fc.AddMember("args", call_args(function, w, a), a);
          Value p(rapidjson::kObjectType);
          p.AddMember("functionCall", fc, a);
          if (const std::string_view sig = split_tool_call_id(id).signature; !sig.empty())
            p.AddMember("thoughtSignature", copy(sig, a), a);
          parts.PushBack(p, a);
        }
      }
      contents.add("model", parts);
    } else if (role == "tool") {
      const std::string_view id = str_member(msg, "tool_call_id");
      std::string_view name;
      if (auto it = call_names.find(id); it != call_names.end()) name = it->second;
      if (name.empty()) name = str_member(msg, "name");
      if (name.empty())
        bad(where + ".tool_call_id '" + std::string(id) + "' matches no earlier assistant tool call (Gemini needs the function name)");
      Value fr(rapidjson::kObjectType);
      fr.AddMember("name", copy(name, a), a);
      fr.AddMember("response", tool_response(member(msg, "content"), where, a), a);
      Value p(rapidjson::kObjectType);
      p.AddMember("functionResponse", fr, a);
      parts.PushBack(p, a);
      contents.add("user", parts);
    } else if (role == "function") {
      unsupported(where + ": the legacy 'function' role is not supported; use tool messages");
    } else {
      bad(where + ".role '" + std::string(role) + "' is not a chat role");
    }
  }
  if (contents_out.Empty()) bad("messages must contain at least one user, assistant or tool message (Gemini requires contents)");
  if (!system_parts.Empty()) {
    system_out.SetObject();
    system_out.AddMember("parts", system_parts, a);
  }
}

}  // namespace llmgw::provider_gemini
