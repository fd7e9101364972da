#include "encode.hpp"

#include "embeddings.hpp"
#include "encode_messages.hpp"
#include "sigv4.hpp"
#include "wire.hpp"

#include <plugin_util/encode_params.hpp>
#include <plugin_util/host_clock.hpp>
#include <plugin_util/json_helpers.hpp>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

namespace llmgw::provider_bedrock {
namespace {

using namespace plugin_util;
using namespace plugin_util::json;

/// tools → toolConfig.tools [{"toolSpec": {"name", "description"?, "inputSchema": {"json"}}}],
/// a cachePoint after each tool carrying cache_control.
Value tool_specs(const Value& tools, Allocator& a) {
  if (!tools.IsArray()) bad("tools must be an array");
  Value list(rapidjson::kArrayType);
  for (rapidjson::SizeType i = 0; i < tools.Size(); ++i) {
    const Value& t = tools[i];
    if (const Value* type = member(t, "type"); type && sv(*type) != "function")
      unsupported("tools[" + std::to_string(i) + "]: only function tools are supported by Bedrock");
    const Value& f = get(t, "function");
    if (str_member(f, "name").empty()) bad("tools[" + std::to_string(i) + "].function.name must be a non-empty string");
    Value spec(rapidjson::kObjectType);
    spec.AddMember("name", copy(str_member(f, "name"), a), a);
    if (const std::string_view d = str_member(f, "description"); !d.empty()) spec.AddMember("description", copy(d, a), a);
    Value schema(rapidjson::kObjectType);
    if (const Value* p = member(f, "parameters"); p && p->IsObject()) {
      schema.AddMember("json", Value(*p, a), a);
    } else {
      Value empty(rapidjson::kObjectType);
      empty.AddMember("type", "object", a);
      empty.AddMember("properties", Value(rapidjson::kObjectType), a);
      schema.AddMember("json", empty, a);
    }
    spec.AddMember("inputSchema", schema, a);
    Value tool(rapidjson::kObjectType);
    tool.AddMember("toolSpec", spec, a);
    list.PushBack(tool, a);
    if (member(t, "cache_control")) list.PushBack(cache_point(a), a);
  }
  return list;
}

/// tool_choice → toolChoice (absent for "auto" by default and for "none").
Value tool_choice(const Value* choice, Allocator& a) {
  Value out;
  if (!choice) return out;
  const std::string_view s = sv(*choice);
  out.SetObject();
  if (s == "auto") {
    out.AddMember("auto", Value(rapidjson::kObjectType), a);
  } else if (s == "required") {
    out.AddMember("any", Value(rapidjson::kObjectType), a);
  } else if (s == "none") {
    out.SetNull();
  } else if (choice->IsObject() && !str_member(get(*choice, "function"), "name").empty()) {
    Value t(rapidjson::kObjectType);
    t.AddMember("name", copy(str_member(get(*choice, "function"), "name"), a), a);
    out.AddMember("tool", t, a);
  } else {
    bad("tool_choice must be auto, required, none or {\"type\": \"function\", \"function\": {\"name\"}}");
  }
  return out;
}

/// response_format → Converse's native structured output, outputConfig.textFormat:
/// {"type": "json_schema", "structure": {"jsonSchema": {"schema": "<the schema as a JSON string>",
/// "name", "description"?}}}. Converse takes only a schema: json_object is refused (400) rather
/// than dropped. Null when no format is asked for.
Value output_config_of(const Value* rf, Allocator& a) {
  if (!rf) return Value();
  if (!rf->IsObject()) bad("response_format must be an object");
  const std::string_view type = str_member(*rf, "type");
  if (type == "text") return Value();
  if (type != "json_schema")
    unsupported("response_format '" + std::string(type) +
                "' is not supported by provider-bedrock (Converse takes json_schema only; param response_format)");
  const Value* js = member(*rf, "json_schema");
  const Value* schema = js ? member(*js, "schema") : nullptr;
  if (!schema || !schema->IsObject()) bad("response_format.json_schema.schema must be an object");
  rapidjson::StringBuffer text;
  rapidjson::Writer<rapidjson::StringBuffer> w(text);
  schema->Accept(w);
  Value def(rapidjson::kObjectType);
  def.AddMember("schema", Value(text.GetString(), static_cast<rapidjson::SizeType>(text.GetSize()), a), a);
  const std::string_view name = str_member(*js, "name");
  def.AddMember("name", copy(name.empty() ? std::string_view("response") : name, a), a);
  if (const std::string_view d = str_member(*js, "description"); !d.empty()) def.AddMember("description", copy(d, a), a);
  Value structure(rapidjson::kObjectType);
  structure.AddMember("jsonSchema", def, a);
  Value format(rapidjson::kObjectType);
  format.AddMember("type", "json_schema", a);
  format.AddMember("structure", structure, a);
  Value config(rapidjson::kObjectType);
  config.AddMember("textFormat", format, a);
  return config;
}

void translate(const Value& body, Value& out, Allocator& a) {
  if (!body.IsObject()) bad("the request body is not a JSON object");
  if (const Value* n = member(body, "n"); n && (!n->IsNumber() || n->GetDouble() > 1))
    unsupported("n > 1 (several choices) is not supported by Bedrock (param n)");
  if (const Value* lp = member(body, "logprobs"); lp && lp->IsTrue()) unsupported("logprobs is not supported by Bedrock (param logprobs)");
  Value output_config = output_config_of(member(body, "response_format"), a);
  const Value* messages = member(body, "messages");
  if (!messages) bad("messages is required");
  ConverseMessages conv = translate_messages(*messages, a);
  if (conv.messages.Empty()) bad("messages must hold at least one user or assistant message");
  out.SetObject();
  out.AddMember("messages", conv.messages, a);
  if (!conv.system.Empty()) out.AddMember("system", conv.system, a);

  Value inference(rapidjson::kObjectType);
  if (const int64_t max = max_tokens(body); max > 0) inference.AddMember("maxTokens", max, a);
  copy_numbers(body, {{"temperature", "temperature"}, {"top_p", "topP"}}, inference, a);
  if (Value seqs = stop_sequences(body, a); !seqs.Empty()) inference.AddMember("stopSequences", seqs, a);
  if (!inference.ObjectEmpty()) out.AddMember("inferenceConfig", inference, a);

  if (const Value* tools = member(body, "tools"); tools && !(tools->IsArray() && tools->Empty())) {
    Value choice = tool_choice(member(body, "tool_choice"), a);
    const bool none = member(body, "tool_choice") && choice.IsNull();
    // Converse has no "none": the tools are left out, unless the conversation holds tool
    // blocks (Converse then requires toolConfig; the model is not forced either way).
    if (!none || conv.has_tool_blocks) {
      Value config(rapidjson::kObjectType);
      config.AddMember("tools", tool_specs(*tools, a), a);
      if (choice.IsObject()) config.AddMember("toolChoice", choice, a);
      out.AddMember("toolConfig", config, a);
    }
  } else if (conv.has_tool_blocks) {
    bad("messages hold tool calls or results but the request declares no tools (Bedrock requires them)");
  }

  Value fields(rapidjson::kObjectType);
  if (const Value* k = member(body, "top_k")) {
    if (!k->IsInt64() || k->GetInt64() < 0) bad("top_k must be a non-negative integer");
    fields.AddMember("top_k", Value(*k, a), a);
  }
  if (const Value* t = member(body, "thinking")) {
    if (!t->IsObject()) bad("thinking must be an object");
    fields.AddMember("thinking", Value(*t, a), a);
  } else if (const Value* e = member(body, "reasoning_effort"); e && e->IsString() && sv(*e) != "none") {
    for (const EffortBudget& eb : kEffortBudgets) {
      if (eb.effort != sv(*e)) continue;
      Value t(rapidjson::kObjectType);
      t.AddMember("type", "enabled", a);
      t.AddMember("budget_tokens", eb.budget_tokens, a);
      fields.AddMember("thinking", t, a);
    }
    if (!fields.HasMember("thinking")) bad("reasoning_effort must be none, low, medium or high");
  }
  if (!fields.ObjectEmpty()) out.AddMember("additionalModelRequestFields", fields, a);
  if (output_config.IsObject()) out.AddMember("outputConfig", output_config, a);
}

}  // namespace

std::string converse_path(const Config& cfg, std::string_view model, bool stream) {
  std::string path = cfg.base_path;
  path.append(kModelPath).append(sigv4::uri_encode(model_id(model), false));
  path.append(stream ? kConverseStreamPath : kConversePath);
  return path;
}

void send_signed(const Config& cfg, const Host& host, const std::string& path, std::string_view accept,
                 std::string_view payload, const llmgw_request_out& out) {
  const std::string url = cfg.base_url.substr(0, cfg.base_url.size() - cfg.base_path.size()) + path;
  out.set_method(out.ctx, str("POST"));
  out.set_url(out.ctx, str(url));
  out.add_header(out.ctx, str("host"), str(cfg.host));
  out.add_header(out.ctx, str("content-type"), str(kJson));
  out.add_header(out.ctx, str("accept"), str(accept));
  if (!cfg.api_key.empty()) {
    out.add_header(out.ctx, str("authorization"), str("Bearer " + cfg.api_key));
  } else {
    const sigv4::HostCrypto crypto(host.get());
    const std::string payload_hash = crypto.sha256_hex(payload);
    const std::string date = sigv4::amz_date(plugin_util::unix_now_ms(host));
    const std::string uri = sigv4::canonical_uri(path);
    sigv4::Request r{"POST", uri, "", {{"host", cfg.host}, {"content-type", kJson}, {"x-amz-content-sha256", payload_hash},
                                       {"x-amz-date", date}}, payload_hash, date};
    if (!cfg.session_token.empty()) r.headers.emplace_back("x-amz-security-token", cfg.session_token);
    const sigv4::Signed s =
        sigv4::sign(crypto, {cfg.access_key_id, cfg.secret_access_key, cfg.region, kSigningService}, r);
    out.add_header(out.ctx, str("x-amz-date"), str(date));
    out.add_header(out.ctx, str("x-amz-content-sha256"), str(payload_hash));
    if (!cfg.session_token.empty()) out.add_header(out.ctx, str("x-amz-security-token"), str(cfg.session_token));
    out.add_header(out.ctx, str("authorization"), str(s.authorization));
  }
  for (const Header& h : cfg.extra_headers) out.add_header(out.ctx, str(h.name), str(h.value));
  out.append_body(out.ctx, llmgw_str{payload.data(), payload.size()});
}

llmgw_status encode(const Config& cfg, const Host& host, const llmgw_call& call, const llmgw_request_out& out,
                    const llmgw_writer* error) {
  if (call.operation == LLMGW_OP_EMBEDDINGS) return encode_embeddings(cfg, host, call, out, error);
  if (call.operation != LLMGW_OP_CHAT) {
    write(error, "provider-bedrock supports chat and embeddings only");
    return LLMGW_UNSUPPORTED;
  }
  if (model_id(view(call.model)).empty()) {
    write(error, "provider-bedrock: the deployment names no model id");
    return LLMGW_BAD_ARGUMENT;
  }
  rapidjson::StringBuffer sb;
  try {
    rapidjson::Document body;
    parse_canonical_body(body, view(call.body));
    rapidjson::Document req;
    translate(body, req, req.GetAllocator());
    Writer w(sb);
    req.Accept(w);
  } catch (const EncodeError& e) {
    write(error, e.what());
    return e.status;
  }
  const std::string_view payload(sb.GetString(), sb.GetSize());
  const bool stream = call.stream != 0;
  send_signed(cfg, host, converse_path(cfg, view(call.model), stream), stream ? kEventStream : kJson, payload, out);
  return LLMGW_OK;
}

}  // namespace llmgw::provider_bedrock
