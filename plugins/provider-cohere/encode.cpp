#include "encode.hpp"

#include "embeddings.hpp"
#include "wire.hpp"

#include <llmgw/plugin.hpp>

#include <plugin_util/bounded_json.hpp>
#include <plugin_util/encode_params.hpp>
#include <plugin_util/json_helpers.hpp>

#include <string>

namespace llmgw::provider_cohere {
namespace {

using namespace plugin_util;
using namespace plugin_util::json;
using rapidjson::StringRef;

/// content (string or parts) → Cohere content: a string when it is text only, else parts
/// (text, image_url) without canonical extensions.
Value content_of(const Value* content, const std::string& where, bool allow_images, Allocator& a) {
  if (!content) return Value("", a);
  if (content->IsString()) return Value(*content, a);
  if (!content->IsArray()) bad(where + ".content must be a string, an array of parts or null");
  Value parts(rapidjson::kArrayType);
  std::string text;
  bool only_text = true;
  for (rapidjson::SizeType i = 0; i < content->Size(); ++i) {
    const Value& p = (*content)[i];
    const std::string w = where + ".content[" + std::to_string(i) + "]";
    const std::string_view type = p.IsString() ? std::string_view("text") : str_member(p, "type");
    Value part(rapidjson::kObjectType);
    if (type == "text" || type == "refusal") {
      const std::string_view t = p.IsString() ? sv(p) : str_member(p, type == "text" ? "text" : "refusal");
      text += t;
      part.AddMember("type", "text", a);
      part.AddMember("text", copy(t, a), a);
    } else if (type == "image_url" && allow_images) {
      only_text = false;
      const Value& image = get(p, "image_url");
      const std::string_view url = image.IsString() ? sv(image) : str_member(image, "url");
      if (url.empty()) bad(w + ".image_url.url must be a string");
      Value iu(rapidjson::kObjectType);
      iu.AddMember("url", copy(url, a), a);
      if (const std::string_view detail = str_member(image, "detail"); !detail.empty()) iu.AddMember("detail", copy(detail, a), a);
      part.AddMember("type", "image_url", a);
      part.AddMember("image_url", iu, a);
    } else {
      unsupported(w + ": content part type '" + std::string(type) + "' is not supported by Cohere");
    }
    parts.PushBack(part, a);
  }
  if (only_text) return copy(text, a);
  return parts;
}

Value messages_of(const Value& messages, Allocator& a) {
  if (!messages.IsArray()) bad("messages must be an array");
  Value out(rapidjson::kArrayType);
  for (rapidjson::SizeType i = 0; i < messages.Size(); ++i) {
    const Value& m = messages[i];
    const std::string where = "messages[" + std::to_string(i) + "]";
    std::string_view role = str_member(m, "role");
    if (role == "developer") role = "system";
    Value o(rapidjson::kObjectType);
    if (role == "system" || role == "user") {
      o.AddMember("role", copy(role, a), a);
      o.AddMember("content", content_of(member(m, "content"), where, role == "user", a), a);
    } else if (role == "assistant") {
      o.AddMember("role", "assistant", a);
      const Value* calls = member(m, "tool_calls");
      const bool has_calls = calls && calls->IsArray() && !calls->Empty();
      Value content = content_of(member(m, "content"), where, false, a);
      if (!(content.IsString() && content.GetStringLength() == 0)) o.AddMember("content", content, a);
      if (has_calls) {
        Value list(rapidjson::kArrayType);
        for (rapidjson::SizeType k = 0; k < calls->Size(); ++k) {
          const Value& c = (*calls)[k];
          const std::string w = where + ".tool_calls[" + std::to_string(k) + "]";
          const Value& f = get(c, "function");
          if (str_member(f, "name").empty()) bad(w + ".function.name must be a non-empty string");
          Value fn(rapidjson::kObjectType);
          fn.AddMember("name", copy(str_member(f, "name"), a), a);
          const Value* args = member(f, "arguments");
          fn.AddMember("arguments", args && args->IsObject() ? copy(compact(*args), a) : copy(args ? sv(*args) : "{}", a), a);
          Value call(rapidjson::kObjectType);
          call.AddMember("id", copy(str_member(c, "id"), a), a);
          call.AddMember("type", "function", a);
          call.AddMember("function", fn, a);
          list.PushBack(call, a);
        }
        o.AddMember("tool_calls", list, a);
      } else if (!o.HasMember("content")) {
        continue;  // an empty assistant turn: Cohere refuses one
      }
    } else if (role == "tool") {
      o.AddMember("role", "tool", a);
      o.AddMember("tool_call_id", copy(str_member(m, "tool_call_id"), a), a);
      o.AddMember("content", content_of(member(m, "content"), where, false, a), a);
    } else if (role == "function") {
      unsupported(where + ": the legacy 'function' role is not supported; use tool messages");
    } else {
      bad(where + ".role must be system, developer, user, assistant or tool");
    }
    out.PushBack(o, a);
  }
  return out;
}

void translate(const llmgw_call& call, const Value& body, Value& out, Allocator& a) {
  if (!body.IsObject()) bad("the request body is not a JSON object");
  if (const Value* n = member(body, "n"); n && (!n->IsNumber() || n->GetDouble() > 1))
    unsupported("n > 1 (several choices) is not supported by Cohere (param n)");
  if (const Value* lp = member(body, "logprobs"); lp && lp->IsTrue()) unsupported("logprobs is not supported by provider-cohere (param logprobs)");
  const Value* messages = member(body, "messages");
  if (!messages) bad("messages is required");
  out.SetObject();
  out.AddMember("model", copy(view(call.model), a), a);
  out.AddMember("messages", messages_of(*messages, a), a);
  const Value* stream = member(body, "stream");
  if (call.stream || (stream && stream->IsTrue())) out.AddMember("stream", true, a);

  if (const Value* tools = member(body, "tools")) {
    Value list = function_tools(*tools, "Cohere", a);
    if (const Value* choice = member(body, "tool_choice")) {
      if (choice->IsString() && sv(*choice) == "required") out.AddMember("tool_choice", "REQUIRED", a);
      else if (choice->IsString() && sv(*choice) == "none") out.AddMember("tool_choice", "NONE", a);
      else if (!(choice->IsString() && sv(*choice) == "auto"))
        unsupported("tool_choice naming a function is not supported by Cohere (param tool_choice)");
    }
    if (!list.Empty()) out.AddMember("tools", list, a);
  }
  if (const Value* rf = member(body, "response_format")) {
    const std::string_view type = str_member(*rf, "type");
    if (type == "json_object" || type == "json_schema") {
      Value f(rapidjson::kObjectType);
      f.AddMember("type", "json_object", a);
      if (const Value* schema = member(get(*rf, "json_schema"), "schema"); schema && type == "json_schema")
        f.AddMember("json_schema", Value(*schema, a), a);
      out.AddMember("response_format", f, a);
    } else if (type != "text") {
      unsupported("response_format type '" + std::string(type) + "' is not supported by Cohere");
    }
  }
  copy_numbers(body,
              {{"temperature", "temperature"}, {"top_p", "p"}, {"top_k", "k"}, {"seed", "seed"},
               {"presence_penalty", "presence_penalty"}, {"frequency_penalty", "frequency_penalty"}},
              out, a);
  if (const int64_t max = max_tokens(body); max > 0) out.AddMember("max_tokens", max, a);
  if (Value seqs = stop_sequences(body, a); !seqs.Empty()) out.AddMember("stop_sequences", seqs, a);
  Value thinking;
  if (const Value* t = member(body, "thinking")) {
    thinking.SetObject();
    if (str_member(*t, "type") == "disabled") {
      thinking.AddMember("type", "disabled", a);
    } else {
      thinking.AddMember("type", "enabled", a);
      if (const Value* b = member(*t, "budget_tokens"); b && b->IsInt64()) thinking.AddMember("token_budget", b->GetInt64(), a);
    }
  } else if (const Value* e = member(body, "reasoning_effort"); e && e->IsString()) {
    thinking.SetObject();
    if (sv(*e) == "none") {
      thinking.AddMember("type", "disabled", a);
    } else {
      thinking.AddMember("type", "enabled", a);
      for (const EffortBudget& eb : kEffortBudgets)
        if (eb.effort == sv(*e)) thinking.AddMember("token_budget", static_cast<int64_t>(eb.budget), a);
    }
  }
  if (thinking.IsObject()) out.AddMember("thinking", thinking, a);
}

}  // namespace

llmgw_status encode(const Config& cfg, const llmgw_call& call, const llmgw_request_out& out, const llmgw_writer* error) {
  if (call.operation == LLMGW_OP_EMBEDDINGS) return encode_embeddings(cfg, call, out, error);
  if (call.operation != LLMGW_OP_CHAT) {
    write(error, "provider-cohere supports chat and embeddings only");
    return LLMGW_UNSUPPORTED;
  }
  rapidjson::StringBuffer sb;
  try {
    rapidjson::Document body;
    parse_canonical_body(body, view(call.body));
    rapidjson::Document req;
    translate(call, body, req, req.GetAllocator());
    Writer w(sb);
    req.Accept(w);
  } catch (const EncodeError& e) {
    write(error, e.what());
    return e.status;
  }
  out.set_method(out.ctx, str("POST"));
  out.set_url(out.ctx, str(cfg.chat_url));
  out.add_header(out.ctx, str("content-type"), str("application/json"));
  out.add_header(out.ctx, str("accept"), str(call.stream ? "text/event-stream" : "application/json"));
  for (const Header& h : cfg.headers) out.add_header(out.ctx, str(h.name), str(h.value));
  out.append_body(out.ctx, llmgw_str{sb.GetString(), sb.GetSize()});
  return LLMGW_OK;
}

}  // namespace llmgw::provider_cohere
