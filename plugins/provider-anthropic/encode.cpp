#include "encode.hpp"

#include "structured_output.hpp"

#include "encode_messages.hpp"
#include "wire.hpp"

#include <llmgw/json_depth.hpp>
#include <llmgw/plugin.hpp>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

namespace llmgw::provider_anthropic {
namespace {

using rapidjson::StringRef;
using namespace encode_util;

void add_headers(const Config& cfg, const llmgw_call& call, bool passthrough, const llmgw_request_out& out) {
  auto add = [&](std::string_view name, std::string_view value) { out.add_header(out.ctx, str(name), str(value)); };
  add(kContentType, kJson);
  for (const Header& h : cfg.auth) add(h.name, h.value);
  // Passthrough sends the client's protocol headers as they are and adds none it left out: a
  // client without anthropic-version gets the upstream's own error, as it would direct (unless
  // the operator configured the header itself). Translated calls are ours to version.
  std::string_view version = cfg.version;
  if (passthrough) {
    version = find_header(call.client_headers, call.client_header_count, kVersionHeader);
    if (version.empty() && cfg.version_is_header) version = cfg.version;
  }
  if (!version.empty()) add(kVersionHeader, version);
  for (std::size_t i = 0; i < call.client_header_count; ++i)
    if (iequals(view(call.client_headers[i].name), kBetaHeader)) add(kBetaHeader, view(call.client_headers[i].value));
  for (const Header& h : cfg.extra_headers) add(h.name, h.value);
}

// -- Top-level parameters -----------------------------------------------------------------------

int64_t positive_int(const Value& v, const char* name) {
  if (!v.IsInt64() || v.GetInt64() < 1) bad(std::string(name) + " must be a positive integer");
  return v.GetInt64();
}

/// thinking (as given) or reasoning_effort → the thinking object, or null.
Value thinking_of(const Value& body, Allocator& a) {
  if (const Value* t = member(body, "thinking")) {
    if (!t->IsObject()) bad("thinking must be an object");
    return Value(*t, a);
  }
  const Value* effort = member(body, "reasoning_effort");
  if (!effort) return Value();
  if (!effort->IsString()) bad("reasoning_effort must be a string");
  if (sv(*effort) == "none") return Value();
  for (const EffortBudget& e : kEffortBudgets) {
    if (e.effort != sv(*effort)) continue;
    Value t(rapidjson::kObjectType);
    t.AddMember("type", "enabled", a);
    t.AddMember("budget_tokens", e.budget_tokens, a);
    return t;
  }
  bad("reasoning_effort '" + std::string(sv(*effort)) + "' is not one of none, minimal, low, medium, high");
}

Value tool_of(const Value& tool, const std::string& where, Allocator& a) {
  const Value* type = member(tool, "type");
  if (type && (!type->IsString() || sv(*type) != "function"))
    unsupported(where + ": only function tools are supported by Anthropic");
  const Value* function = member(tool, "function");
  if (!function || !function->IsObject()) bad(where + ".function must be an object");
  const Value* name = member(*function, "name");
  if (!name || !name->IsString()) bad(where + ".function.name must be a string");
  Value t(rapidjson::kObjectType);
  t.AddMember("name", ref(sv(*name)), a);
  if (const Value* d = member(*function, "description"); d && d->IsString()) t.AddMember("description", ref(sv(*d)), a);
  if (const Value* p = member(*function, "parameters")) {
    t.AddMember("input_schema", Value(*p, a), a);
  } else {
    Value schema(rapidjson::kObjectType);
    schema.AddMember("type", "object", a);
    schema.AddMember("properties", Value(rapidjson::kObjectType), a);
    t.AddMember("input_schema", schema, a);
  }
  if (const Value* cc = member(tool, "cache_control")) t.AddMember("cache_control", Value(*cc, a), a);
  return t;
}

/// tool_choice → Anthropic's object, or null for "leave it to the default".
Value tool_choice_of(const Value& choice, Allocator& a) {
  Value c(rapidjson::kObjectType);
  if (choice.IsString()) {
    const std::string_view s = sv(choice);
    if (s == "auto") c.AddMember("type", "auto", a);
    else if (s == "required") c.AddMember("type", "any", a);
    else if (s == "none") c.AddMember("type", "none", a);
    else bad("tool_choice '" + std::string(s) + "' is not auto, required or none");
    return c;
  }
  if (choice.IsObject()) {
    const Value* type = member(choice, "type");
    const Value* function = member(choice, "function");
    const Value* name = function && function->IsObject() ? member(*function, "name") : nullptr;
    if (type && *type == "function" && name && name->IsString()) {
      c.AddMember("type", "tool", a);
      c.AddMember("name", ref(sv(*name)), a);
      return c;
    }
  }
  bad("tool_choice must be auto, required, none or {\"type\":\"function\",\"function\":{\"name\"}}");
}

/// response_format json_schema → the forced tool it becomes.
Value json_tool_of(const Value& format, Allocator& a) {
  const Value* js = member(format, "json_schema");
  Value t(rapidjson::kObjectType);
  const Value* name = js ? member(*js, "name") : nullptr;
  t.AddMember("name", ref(name && name->IsString() ? sv(*name) : kDefaultJsonToolName), a);
  if (const Value* d = js ? member(*js, "description") : nullptr; d && d->IsString())
    t.AddMember("description", ref(sv(*d)), a);
  if (const Value* schema = js ? member(*js, "schema") : nullptr) {
    t.AddMember("input_schema", Value(*schema, a), a);
  } else {
    Value any(rapidjson::kObjectType);
    any.AddMember("type", "object", a);
    t.AddMember("input_schema", any, a);
  }
  return t;
}

/// A schema as Anthropic's structured output takes it: every object schema closed
/// (additionalProperties false where the client left it open or unset), recursively.
Value closed_schema(const Value& schema, Allocator& a, int depth = 0) {
  Value out(schema, a);
  if (depth > 64 || !out.IsObject()) return out;
  for (auto& m : out.GetObject()) {
    if (m.value.IsObject()) {
      if (m.name == "properties" || m.name == "$defs" || m.name == "definitions") {
        for (auto& p : m.value.GetObject()) p.value = closed_schema(p.value, a, depth + 1);
      } else {
        m.value = closed_schema(m.value, a, depth + 1);
      }
    } else if (m.value.IsArray()) {
      for (auto& e : m.value.GetArray()) e = closed_schema(e, a, depth + 1);
    }
  }
  const Value* type = member(out, "type");
  const bool object = (type && type->IsString() && sv(*type) == "object") || member(out, "properties");
  if (object) {
    if (Value* ap = const_cast<Value*>(member(out, "additionalProperties"))) ap->SetBool(false);
    else out.AddMember("additionalProperties", false, a);
  }
  return out;
}

/// response_format json_schema → output_config {"format": {"type": "json_schema", "schema"}}.
Value output_config_of(const Value& format, Allocator& a) {
  const Value* js = member(format, "json_schema");
  const Value* schema = js ? member(*js, "schema") : nullptr;
  if (!schema || !schema->IsObject()) bad("response_format.json_schema.schema must be an object");
  Value f(rapidjson::kObjectType);
  f.AddMember("type", "json_schema", a);
  f.AddMember("schema", closed_schema(*schema, a), a);
  Value config(rapidjson::kObjectType);
  config.AddMember("format", f, a);
  return config;
}

Value stop_sequences_of(const Value& stop, Allocator& a) {
  Value seqs(rapidjson::kArrayType);
  if (stop.IsString()) {
    seqs.PushBack(ref(sv(stop)), a);
  } else if (stop.IsArray()) {
    for (const auto& s : stop.GetArray()) {
      if (!s.IsString()) bad("stop must be a string or an array of strings");
      seqs.PushBack(ref(sv(s)), a);
    }
  } else {
    bad("stop must be a string or an array of strings");
  }
  return seqs;
}

/// The canonical body → the Anthropic request object `out`. `vertex`: Vertex AI's form (no
/// "model", "anthropic_version": cfg.version in the body).
void translate(const Config& cfg, const llmgw_call& call, const Value& body, bool vertex, Value& out, Allocator& a) {
  if (!body.IsObject()) bad("the request body is not a JSON object");
  if (const Value* n = member(body, "n"); n && (!n->IsNumber() || n->GetDouble() > 1))
    unsupported("n > 1 (several choices) is not supported by Anthropic (param n)");
  const bool count_tokens = call.operation == LLMGW_OP_COUNT_TOKENS;

  // response_format: json_schema → output_config.format (the native structured output) on the
  // models that have it, else a forced tool; json_object → a system instruction.
  Value json_tool;
  Value output_config;
  std::string_view extra_system;
  if (const Value* rf = member(body, "response_format")) {
    const Value* type = rf->IsObject() ? member(*rf, "type") : nullptr;
    if (!type || !type->IsString()) bad("response_format.type must be a string");
    if (*type == "json_schema" && has_native_structured_output(view(call.model))) output_config = output_config_of(*rf, a);
    else if (*type == "json_schema") json_tool = json_tool_of(*rf, a);
    else if (*type == "json_object") extra_system = kJsonObjectInstruction;
    else if (*type != "text") unsupported("response_format type '" + std::string(sv(*type)) + "' is not supported by Anthropic");
  }

  const Value* messages = member(body, "messages");
  if (!messages) bad("messages is required");
  Value system, msgs;
  translate_messages(*messages, extra_system, system, msgs, a);

  out.SetObject();
  if (vertex) out.AddMember("anthropic_version", encode_util::ref(std::string_view(cfg.version)), a);
  else out.AddMember("model", ref(view(call.model)), a);
  if (!count_tokens) {
    int64_t max_tokens = cfg.default_max_tokens;
    if (const Value* m = member(body, "max_completion_tokens")) max_tokens = positive_int(*m, "max_completion_tokens");
    else if (const Value* m2 = member(body, "max_tokens")) max_tokens = positive_int(*m2, "max_tokens");
    out.AddMember("max_tokens", max_tokens, a);
  }
  if (!system.IsNull()) out.AddMember("system", system, a);
  out.AddMember("messages", msgs, a);
  if (output_config.IsObject()) out.AddMember("output_config", output_config, a);

  // Tools and tool_choice (the json_schema tool is appended and forced).
  Value tools(rapidjson::kArrayType);
  if (const Value* ts = member(body, "tools")) {
    if (!ts->IsArray()) bad("tools must be an array");
    for (rapidjson::SizeType i = 0; i < ts->Size(); ++i)
      tools.PushBack(tool_of((*ts)[i], "tools[" + std::to_string(i) + "]", a), a);
  }
  Value choice;
  if (!json_tool.IsNull()) {
    choice.SetObject();
    choice.AddMember("type", "tool", a);
    choice.AddMember("name", Value(json_tool["name"], a), a);
    tools.PushBack(json_tool, a);
  } else if (const Value* tc = member(body, "tool_choice")) {
    choice = tool_choice_of(*tc, a);
  }
  if (const Value* ptc = member(body, "parallel_tool_calls"); ptc && ptc->IsFalse() && !tools.Empty()) {
    if (choice.IsNull()) {
      choice.SetObject();
      choice.AddMember("type", "auto", a);
    }
    if (choice["type"] != "none") choice.AddMember("disable_parallel_tool_use", true, a);
  }
  if (!tools.Empty()) {
    out.AddMember("tools", tools, a);
    if (!choice.IsNull()) out.AddMember("tool_choice", choice, a);
  }

  Value thinking = thinking_of(body, a);
  if (thinking.IsObject() && !count_tokens) {
    // Anthropic requires max_tokens > thinking.budget_tokens.
    const Value* budget = member(thinking, "budget_tokens");
    Value& max_tokens = out["max_tokens"];
    if (budget && budget->IsInt64() && max_tokens.GetInt64() <= budget->GetInt64())
      max_tokens.SetInt64(budget->GetInt64() + cfg.default_max_tokens);
  }
  if (!thinking.IsNull()) out.AddMember("thinking", thinking, a);
  if (count_tokens) return;

  if (const Value* stop = member(body, "stop")) {
    Value seqs = stop_sequences_of(*stop, a);
    if (!seqs.Empty()) out.AddMember("stop_sequences", seqs, a);
  }
  for (const char* name : {"temperature", "top_p", "top_k"}) {
    if (const Value* v = member(body, name)) {
      if (!v->IsNumber()) bad(std::string(name) + " must be a number");
      out.AddMember(StringRef(name), Value(*v, a), a);
    }
  }
  const Value* meta = member(body, "metadata");
  const Value* user_id = meta && meta->IsObject() ? member(*meta, "user_id") : nullptr;
  if (!user_id || !user_id->IsString()) user_id = member(body, "user");
  if (user_id && user_id->IsString()) {
    Value m(rapidjson::kObjectType);
    m.AddMember("user_id", ref(sv(*user_id)), a);
    out.AddMember("metadata", m, a);
  }
  const Value* stream = member(body, "stream");
  if (call.stream || (stream && stream->IsTrue())) out.AddMember("stream", true, a);
}

/// The canonical call body → the Anthropic request body, in `sb`.
void encode_translated(const Config& cfg, const llmgw_call& call, bool vertex, rapidjson::StringBuffer& sb) {
  // One parse (in situ: the output refers to the input's strings, so nothing is copied twice)
  // and one write.
  std::string buffer(view(call.body));
  rapidjson::Document body;
  // Bounded: translate() copies parts of it (Value copies and Accept() recurse per level).
  const JsonResult parsed = parse_bounded_insitu(body, buffer.data());
  if (parsed.too_deep())
    bad("the request body nests arrays and objects deeper than " + std::to_string(kJsonMaxDepth) + " levels");
  if (!parsed) bad("the request body is not valid JSON");
  rapidjson::Document req;
  translate(cfg, call, body, vertex, req, req.GetAllocator());
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  req.Accept(w);
}

}  // namespace

llmgw_status encode(const Config& cfg, const llmgw_call& call, const llmgw_request_out& out,
                    const llmgw_writer* error) {
  const std::string* url = nullptr;
  switch (call.operation) {
    case LLMGW_OP_CHAT: url = &cfg.messages_url; break;
    case LLMGW_OP_COUNT_TOKENS: url = &cfg.count_tokens_url; break;
    default:
      write(error, "Anthropic supports chat and count_tokens only (no embeddings)");
      return LLMGW_UNSUPPORTED;
  }
  const bool passthrough = call.body_dialect == LLMGW_DIALECT_ANTHROPIC_MESSAGES;
  if (!passthrough && call.body_dialect != LLMGW_DIALECT_OPENAI_CHAT) {
    write(error, "the request body is neither Anthropic Messages nor canonical chat");
    return LLMGW_BAD_ARGUMENT;
  }
  rapidjson::StringBuffer body;
  if (!passthrough) {
    try {
      encode_translated(cfg, call, false, body);
    } catch (const EncodeError& e) {
      write(error, e.what());
      return e.status;
    }
  }
  out.set_method(out.ctx, str("POST"));
  out.set_url(out.ctx, str(*url));
  add_headers(cfg, call, passthrough, out);
  if (passthrough) {
    out.use_call_body(out.ctx);
  } else {
    out.append_body(out.ctx, llmgw_str{body.GetString(), body.GetSize()});
  }
  return LLMGW_OK;
}

llmgw_status encode_vertex_body(const Config& cfg, const llmgw_call& call, rapidjson::StringBuffer& body,
                                const llmgw_writer* error) {
  if (call.operation != LLMGW_OP_CHAT && call.operation != LLMGW_OP_COUNT_TOKENS) {
    write(error, "Anthropic on Vertex AI supports chat and count_tokens only (no embeddings)");
    return LLMGW_UNSUPPORTED;
  }
  if (call.body_dialect != LLMGW_DIALECT_OPENAI_CHAT) {
    write(error, "the request body is not canonical chat");
    return LLMGW_BAD_ARGUMENT;
  }
  try {
    // Vertex's count-tokens endpoint takes the count_tokens body as Anthropic's own API does
    // (the model named in it, no anthropic_version); :rawPredict the Vertex form.
    encode_translated(cfg, call, call.operation == LLMGW_OP_CHAT, body);
  } catch (const EncodeError& e) {
    write(error, e.what());
    return e.status;
  }
  return LLMGW_OK;
}

}  // namespace llmgw::provider_anthropic
