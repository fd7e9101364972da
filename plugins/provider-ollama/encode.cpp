#include "encode.hpp"

#include "embeddings.hpp"
#include "wire.hpp"

#include <llmgw/plugin.hpp>

#include <plugin_util/bounded_json.hpp>
#include <plugin_util/encode_params.hpp>
#include <plugin_util/json_helpers.hpp>

#include <map>
#include <string>

namespace llmgw::provider_ollama {
namespace {

using namespace plugin_util;
using namespace plugin_util::json;
using rapidjson::StringRef;

/// "data:<type>;base64,<data>" → <data>; empty when `url` is not a base64 data URL.
std::string_view base64_of_data_url(std::string_view url) {
  if (!url.starts_with("data:")) return {};
  const std::size_t comma = url.find(',');
  if (comma == std::string_view::npos || !url.substr(0, comma).ends_with(";base64")) return {};
  return url.substr(comma + 1);
}

/// A message's content → text (joined) and images (base64).
void read_content(const Value* content, const std::string& where, bool allow_images, std::string& text, Value& images,
                  Allocator& a) {
  if (!content) return;
  if (content->IsString()) {
    text += sv(*content);
    return;
  }
  if (!content->IsArray()) bad(where + ".content must be a string, an array of parts or null");
  for (rapidjson::SizeType i = 0; i < content->Size(); ++i) {
    const Value& p = (*content)[i];
    const std::string w = where + ".content[" + std::to_string(i) + "]";
    if (p.IsString()) {
      text += sv(p);
      continue;
    }
    const std::string_view type = str_member(p, "type");
    if (type == "text" || type == "refusal") {
      text += str_member(p, type == "text" ? "text" : "refusal");
    } else if (type == "image_url" && allow_images) {
      const Value& image = get(p, "image_url");
      const std::string_view url = image.IsString() ? sv(image) : str_member(image, "url");
      const std::string_view data = base64_of_data_url(url);
      if (data.empty()) unsupported(w + ": Ollama takes images as data:…;base64 URLs only (no http(s) URLs)");
      images.PushBack(copy(data, a), a);
    } else {
      unsupported(w + ": content part type '" + std::string(type) + "' is not supported by Ollama");
    }
  }
}

/// A tool call's arguments (JSON text or object) → object.
Value arguments_of(const Value& function, const std::string& where, Allocator& a) {
  const Value* args = member(function, "arguments");
  if (!args) return Value(rapidjson::kObjectType);
  if (args->IsObject()) return Value(*args, a);
  const std::string_view text = sv(*args);
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return Value(rapidjson::kObjectType);
  rapidjson::Document parsed;
  if (plugin_util::parse_bounded(parsed, text) != JsonParse::kOk || !parsed.IsObject())
    bad(where + ".function.arguments is not a valid JSON object");
  return Value(parsed, a);
}

Value messages_of(const Value& messages, Allocator& a) {
  if (!messages.IsArray()) bad("messages must be an array");
  Value out(rapidjson::kArrayType);
  std::map<std::string, std::string, std::less<>> call_names;
  for (rapidjson::SizeType i = 0; i < messages.Size(); ++i) {
    const Value& m = messages[i];
    const std::string where = "messages[" + std::to_string(i) + "]";
    std::string_view role = str_member(m, "role");
    if (role == "developer") role = "system";
    if (role != "system" && role != "user" && role != "assistant" && role != "tool") {
      if (role == "function") unsupported(where + ": the legacy 'function' role is not supported; use tool messages");
      bad(where + ".role must be system, developer, user, assistant or tool");
    }
    std::string text;
    Value images(rapidjson::kArrayType);
    read_content(member(m, "content"), where, role == "user", text, images, a);
    Value o(rapidjson::kObjectType);
    o.AddMember("role", copy(role, a), a);
    o.AddMember("content", copy(text, a), a);
    if (!images.Empty()) o.AddMember("images", images, a);
    if (role == "assistant") {
      if (const std::string_view thinking = str_member(m, "reasoning_content"); !thinking.empty())
        o.AddMember("thinking", copy(thinking, a), a);
      if (const Value* calls = member(m, "tool_calls"); calls && calls->IsArray() && !calls->Empty()) {
        Value list(rapidjson::kArrayType);
        for (rapidjson::SizeType k = 0; k < calls->Size(); ++k) {
          const Value& c = (*calls)[k];
          const std::string w = where + ".tool_calls[" + std::to_string(k) + "]";
          const Value& function = get(c, "function");
          const std::string_view name = str_member(function, "name");
          if (name.empty()) bad(w + ".function.name must be a non-empty string");
          if (const std::string_view id = str_member(c, "id"); !id.empty()) call_names[std::string(id)] = std::string(name);
          Value f(rapidjson::kObjectType);
          f.AddMember("name", copy(name, a), a);
          f.AddMember("arguments", arguments_of(function, w, a), a);
          Value call(rapidjson::kObjectType);
          call.AddMember("function", f, a);
          list.PushBack(call, a);
        }
        o.AddMember("tool_calls", list, a);
      }
    }
    if (role == "tool") {
      std::string_view name;
      if (auto it = call_names.find(str_member(m, "tool_call_id")); it != call_names.end()) name = it->second;
      if (name.empty()) name = str_member(m, "name");
      if (!name.empty()) o.AddMember("tool_name", copy(name, a), a);
    }
    out.PushBack(o, a);
  }
  return out;
}

void translate(const Config& cfg, const llmgw_call& call, const Value& body, Value& out, Allocator& a) {
  if (!body.IsObject()) bad("the request body is not a JSON object");
  if (const Value* n = member(body, "n"); n && (!n->IsNumber() || n->GetDouble() > 1))
    unsupported("n > 1 (several choices) is not supported by Ollama (param n)");
  if (const Value* lp = member(body, "logprobs"); lp && lp->IsTrue()) unsupported("logprobs is not supported by Ollama (param logprobs)");
  const Value* messages = member(body, "messages");
  if (!messages) bad("messages is required");

  out.SetObject();
  out.AddMember("model", copy(view(call.model), a), a);
  out.AddMember("messages", messages_of(*messages, a), a);
  const Value* stream = member(body, "stream");
  out.AddMember("stream", call.stream != 0 || (stream && stream->IsTrue()), a);

  if (const Value* tools = member(body, "tools")) {
    Value list = function_tools(*tools, "Ollama", a);
    // tool_choice: Ollama has none. "none" drops the tools; a forced choice cannot be honoured.
    const Value* choice = member(body, "tool_choice");
    if (choice && choice->IsString() && sv(*choice) == "none") list.SetArray();
    else if (choice && !(choice->IsString() && sv(*choice) == "auto"))
      unsupported("tool_choice 'required' or a named function is not supported by Ollama (param tool_choice)");
    if (!list.Empty()) out.AddMember("tools", list, a);
  }

  if (const Value* rf = member(body, "response_format")) {
    const std::string_view type = str_member(*rf, "type");
    if (type == "json_object") {
      out.AddMember("format", "json", a);
    } else if (type == "json_schema") {
      const Value* schema = member(get(*rf, "json_schema"), "schema");
      if (!schema || !schema->IsObject()) bad("response_format.json_schema.schema must be an object");
      out.AddMember("format", Value(*schema, a), a);
    } else if (type != "text") {
      unsupported("response_format type '" + std::string(type) + "' is not supported by Ollama");
    }
  }

  Value options(rapidjson::kObjectType);
  copy_numbers(body,
              {{"temperature", "temperature"}, {"top_p", "top_p"}, {"top_k", "top_k"}, {"seed", "seed"},
               {"presence_penalty", "presence_penalty"}, {"frequency_penalty", "frequency_penalty"}},
              options, a);
  if (const int64_t max = max_tokens(body); max > 0) options.AddMember("num_predict", max, a);
  if (Value seqs = stop_sequences(body, a); !seqs.Empty()) options.AddMember("stop", seqs, a);
  if (cfg.num_ctx > 0) options.AddMember("num_ctx", cfg.num_ctx, a);
  if (options.MemberCount()) out.AddMember("options", options, a);

  // Thinking: reasoning_effort none → think false, other efforts → true; Anthropic-style thinking likewise.
  if (const Value* t = member(body, "thinking")) {
    out.AddMember("think", str_member(*t, "type") != "disabled", a);
  } else if (const Value* effort = member(body, "reasoning_effort"); effort && effort->IsString()) {
    out.AddMember("think", sv(*effort) != "none", a);
  }
}

}  // namespace

llmgw_status encode(const Config& cfg, const llmgw_call& call, const llmgw_request_out& out, const llmgw_writer* error) {
  if (call.operation == LLMGW_OP_EMBEDDINGS) return encode_embeddings(cfg, call, out, error);
  if (call.operation != LLMGW_OP_CHAT) {
    write(error, "provider-ollama supports chat and embeddings only");
    return LLMGW_UNSUPPORTED;
  }
  rapidjson::StringBuffer sb;
  try {
    rapidjson::Document body;
    parse_canonical_body(body, view(call.body));
    rapidjson::Document req;
    translate(cfg, call, body, req, req.GetAllocator());
    if (!cfg.keep_alive_json.empty()) {
      rapidjson::Document ka;
      ka.Parse(cfg.keep_alive_json.data(), cfg.keep_alive_json.size());
      req.AddMember("keep_alive", Value(ka, req.GetAllocator()), req.GetAllocator());
    }
    Writer w(sb);
    req.Accept(w);
  } catch (const EncodeError& e) {
    write(error, e.what());
    return e.status;
  }
  out.set_method(out.ctx, str("POST"));
  out.set_url(out.ctx, str(cfg.chat_url));
  out.add_header(out.ctx, str("content-type"), str("application/json"));
  for (const Header& h : cfg.headers) out.add_header(out.ctx, str(h.name), str(h.value));
  out.append_body(out.ctx, llmgw_str{sb.GetString(), sb.GetSize()});
  return LLMGW_OK;
}

}  // namespace llmgw::provider_ollama
