#include "encode.hpp"

#include "count_tokens.hpp"
#include "embeddings.hpp"
#include "encode_contents.hpp"
#include "json_util.hpp"
#include "post.hpp"
#include "schema.hpp"
#include "vertex_claude.hpp"
#include "vertex_embeddings.hpp"
#include "vertex_mistral.hpp"
#include "vertex_open_models.hpp"
#include "wire.hpp"

#include <llmgw/plugin.hpp>

#include <plugin_util/bounded_json.hpp>
#include <plugin_util/encode_params.hpp>

#include <string>

namespace llmgw::provider_gemini {
namespace {

using namespace json;
using rapidjson::StringRef;

}  // namespace

void add_headers(const Config& cfg, const llmgw_request_out& out) {
  auto add = [&](std::string_view name, std::string_view value) { out.add_header(out.ctx, str(name), str(value)); };
  add(kContentType, kJson);
  for (const Header& h : cfg.auth) add(h.name, h.value);
  if (cfg.vertex) cfg.vertex->add_authorization(out);
  for (const Header& h : cfg.extra_headers) add(h.name, h.value);
}

namespace {

int64_t positive_int(const Value& v, const char* name) {
  if (!v.IsInt64() || v.GetInt64() < 1) bad(std::string(name) + " must be a positive integer");
  return v.GetInt64();
}

/// thinking (Anthropic-style) or reasoning_effort → thinkingConfig, or null.
Value thinking_config(const Value& body, Allocator& a) {
  Value tc(rapidjson::kObjectType);
  if (const Value* t = member(body, "thinking")) {
    const std::string_view type = str_member(*t, "type");
    if (type == "enabled") {
      const Value* budget = member(*t, "budget_tokens");
      if (!budget || !budget->IsInt64() || budget->GetInt64() < 0) bad("thinking.budget_tokens must be a non-negative integer");
      tc.AddMember("thinkingBudget", budget->GetInt64(), a);
      tc.AddMember("includeThoughts", true, a);
    } else if (type == "adaptive") {
      tc.AddMember("thinkingBudget", -1, a);  // dynamic thinking
      tc.AddMember("includeThoughts", true, a);
    } else if (type == "disabled") {
      tc.AddMember("thinkingBudget", 0, a);
    } else {
      bad("thinking.type must be enabled, adaptive or disabled");
    }
    return tc;
  }
  const Value* effort = member(body, "reasoning_effort");
  if (!effort) return Value();
  if (!effort->IsString()) bad("reasoning_effort must be a string");
  for (const EffortBudget& e : kEffortBudgets) {
    if (e.effort != sv(*effort)) continue;
    tc.AddMember("thinkingBudget", e.budget_tokens, a);
    if (e.budget_tokens > 0) tc.AddMember("includeThoughts", true, a);
    return tc;
  }
  bad("reasoning_effort '" + std::string(sv(*effort)) + "' is not one of none, minimal, low, medium, high");
}

/// tools → [{"functionDeclarations": [...]}].
Value tools_of(const Value& tools, Allocator& a) {
  if (!tools.IsArray()) bad("tools must be an array");
  Value decls(rapidjson::kArrayType);
  for (rapidjson::SizeType i = 0; i < tools.Size(); ++i) {
    const Value& tool = tools[i];
    const std::string where = "tools[" + std::to_string(i) + "]";
    const Value* type = member(tool, "type");
    if (type && sv(*type) != "function") unsupported(where + ": only function tools are supported by Gemini");
    const Value& function = get(tool, "function");
    const std::string_view name = str_member(function, "name");
    if (name.empty()) bad(where + ".function.name must be a non-empty string");
    Value d(rapidjson::kObjectType);
    d.AddMember("name", copy(name, a), a);
    if (const std::string_view desc = str_member(function, "description"); !desc.empty())
      d.AddMember("description", copy(desc, a), a);
    if (const Value* params = member(function, "parameters")) {
      // An object schema without properties is left out (Gemini refuses OBJECT with none).
      const Value* props = member(*params, "properties");
      if (!(str_member(*params, "type") == "object" && (!props || (props->IsObject() && props->MemberCount() == 0))))
        d.AddMember("parameters", gemini_schema(*params, where + ".function.parameters", a), a);
    }
    decls.PushBack(d, a);
  }
  Value list(rapidjson::kArrayType);
  if (decls.Empty()) return list;
  Value t(rapidjson::kObjectType);
  t.AddMember("functionDeclarations", decls, a);
  list.PushBack(t, a);
  return list;
}

/// tool_choice → toolConfig.functionCallingConfig.
Value tool_config(const Value& choice, Allocator& a) {
  Value fcc(rapidjson::kObjectType);
  if (choice.IsString()) {
    const std::string_view s = sv(choice);
    if (s == "auto") fcc.AddMember("mode", "AUTO", a);
    else if (s == "required") fcc.AddMember("mode", "ANY", a);
    else if (s == "none") fcc.AddMember("mode", "NONE", a);
    else bad("tool_choice '" + std::string(s) + "' is not auto, required or none");
  } else {
    const std::string_view name = str_member(get(choice, "function"), "name");
    if (str_member(choice, "type") != "function" || name.empty())
      bad("tool_choice must be auto, required, none or {\"type\":\"function\",\"function\":{\"name\"}}");
    fcc.AddMember("mode", "ANY", a);
    Value names(rapidjson::kArrayType);
    names.PushBack(copy(name, a), a);
    fcc.AddMember("allowedFunctionNames", names, a);
  }
  Value tc(rapidjson::kObjectType);
  tc.AddMember("functionCallingConfig", fcc, a);
  return tc;
}

Value stop_sequences_of(const Value& stop, Allocator& a) {
  Value seqs(rapidjson::kArrayType);
  if (stop.IsString()) {
    if (stop.GetStringLength()) seqs.PushBack(copy(sv(stop), a), a);
  } else if (stop.IsArray()) {
    for (const auto& s : stop.GetArray()) {
      if (!s.IsString()) bad("stop must be a string or an array of strings");
      seqs.PushBack(copy(sv(s), a), a);
    }
  } else {
    bad("stop must be a string or an array of strings");
  }
  return seqs;
}

/// The canonical body → the GenerateContentRequest `out`.
void translate(const llmgw_call& call, const Value& body, Value& out, Allocator& a) {
  if (!body.IsObject()) bad("the request body is not a JSON object");
  const Value* stream_flag = member(body, "stream");
  const bool stream = call.stream || (stream_flag && stream_flag->IsTrue());
  if (const Value* lp = member(body, "logprobs"); lp && lp->IsTrue())
    unsupported("logprobs is not supported by provider-gemini (param logprobs)");

  const Value* messages = member(body, "messages");
  if (!messages) bad("messages is required");
  Value system, contents;
  translate_messages(*messages, system, contents, a);

  out.SetObject();
  out.AddMember("contents", contents, a);
  if (!system.IsNull()) out.AddMember("systemInstruction", system, a);

  if (const Value* tools = member(body, "tools")) {
    Value list = tools_of(*tools, a);
    if (!list.Empty()) {
      out.AddMember("tools", list, a);
      if (const Value* tc = member(body, "tool_choice")) out.AddMember("toolConfig", tool_config(*tc, a), a);
    }
  }

  Value gc(rapidjson::kObjectType);
  struct Number {
    const char* from;
    const char* to;
  };
  for (const Number& n : {Number{"temperature", "temperature"}, Number{"top_p", "topP"},
                          Number{"presence_penalty", "presencePenalty"}, Number{"frequency_penalty", "frequencyPenalty"}}) {
    if (const Value* v = member(body, n.from)) {
      if (!v->IsNumber()) bad(std::string(n.from) + " must be a number");
      gc.AddMember(StringRef(n.to), Value(*v, a), a);
    }
  }
  if (const Value* k = member(body, "top_k")) gc.AddMember("topK", positive_int(*k, "top_k"), a);
  if (const Value* m = member(body, "max_completion_tokens")) gc.AddMember("maxOutputTokens", positive_int(*m, "max_completion_tokens"), a);
  else if (const Value* m2 = member(body, "max_tokens")) gc.AddMember("maxOutputTokens", positive_int(*m2, "max_tokens"), a);
  if (const Value* stop = member(body, "stop")) {
    Value seqs = stop_sequences_of(*stop, a);
    if (!seqs.Empty()) gc.AddMember("stopSequences", seqs, a);
  }
  if (const Value* n = member(body, "n")) {
    const int64_t count = positive_int(*n, "n");
    if (count > 1 && stream) unsupported("n > 1 (several choices) in a stream is not supported by provider-gemini (param n)");
    if (count > 1) gc.AddMember("candidateCount", count, a);
  }
  if (const Value* seed = member(body, "seed")) {
    if (!seed->IsInt64()) bad("seed must be an integer");
    gc.AddMember("seed", seed->GetInt64(), a);
  }
  if (const Value* rf = member(body, "response_format")) {
    const std::string_view type = str_member(*rf, "type");
    if (type == "json_object") {
      gc.AddMember("responseMimeType", "application/json", a);
    } else if (type == "json_schema") {
      gc.AddMember("responseMimeType", "application/json", a);
      const Value* schema = member(get(*rf, "json_schema"), "schema");
      if (schema) gc.AddMember("responseSchema", gemini_schema(*schema, "response_format.json_schema.schema", a), a);
    } else if (type != "text") {
      if (type.empty()) bad("response_format.type must be a string");
      unsupported("response_format type '" + std::string(type) + "' is not supported by Gemini");
    }
  }
  Value thinking = thinking_config(body, a);
  if (!thinking.IsNull()) gc.AddMember("thinkingConfig", thinking, a);
  if (gc.MemberCount()) out.AddMember("generationConfig", gc, a);
}

}  // namespace

void translate_request(const llmgw_call& call, const Value& body, Value& out, Allocator& a) { translate(call, body, out, a); }

llmgw_status checked_chat_model(const llmgw_call& call, const llmgw_writer* error, std::string& segment) {
  if (call.body_dialect != LLMGW_DIALECT_OPENAI_CHAT) {
    write(error, "provider-gemini translates canonical chat bodies only");
    return LLMGW_BAD_ARGUMENT;
  }
  segment = model_path_segment(view(call.model));
  if (segment.empty()) {
    write(error, "the deployment names no Gemini model");
    return LLMGW_BAD_ARGUMENT;
  }
  return LLMGW_OK;
}

std::string model_path_segment(std::string_view model) {
  if (model.starts_with("models/")) model.remove_prefix(7);
  std::string out;
  out.reserve(model.size());
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : model) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

llmgw_status encode(const Config& cfg, const llmgw_call& call, const llmgw_request_out& out,
                    const llmgw_writer* error) {
  if (is_vertex_open_model(cfg, view(call.model))) return encode_vertex_open_model(cfg, call, out, error);
  if (is_vertex_mistral(cfg, view(call.model))) return encode_vertex_mistral(cfg, call, out, error);
  if (call.operation == LLMGW_OP_EMBEDDINGS && cfg.vertex_ai) return encode_vertex_embeddings(cfg, call, out, error);
  if (is_vertex_claude(cfg, view(call.model))) return encode_vertex_claude(cfg, call, out, error);
  if (call.operation == LLMGW_OP_EMBEDDINGS) return encode_embeddings(cfg, call, out, error);
  if (call.operation == LLMGW_OP_COUNT_TOKENS) return encode_count_tokens(cfg, call, out, error);
  if (call.operation != LLMGW_OP_CHAT) {
    write(error, "provider-gemini supports chat, embeddings and count_tokens only");
    return LLMGW_UNSUPPORTED;
  }
  std::string model;
  if (const llmgw_status st = checked_chat_model(call, error, model); st != LLMGW_OK) return st;
  rapidjson::StringBuffer sb;
  bool stream = call.stream != 0;
  try {
    rapidjson::Document body;
    plugin_util::parse_canonical_body(body, view(call.body));
    if (const Value* s = member(body, "stream"); s && s->IsTrue()) stream = true;
    rapidjson::Document req;
    translate(call, body, req, req.GetAllocator());
    Writer w(sb);
    req.Accept(w);
  } catch (const EncodeError& e) {
    write(error, e.what());
    return e.status;
  }
  post_to_model(cfg, cfg.models_url, model, stream ? kStreamSuffix : kGenerateSuffix, sb, out);
  return LLMGW_OK;
}

}  // namespace llmgw::provider_gemini
