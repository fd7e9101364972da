// Reading the canonical (OpenAI chat) request's common members while encoding it for a
// provider: the same validation and the same client error lines for every translating plugin;
// only the upstream member names differ (the caller says where each value goes).
// Each function throws EncodeError (json::bad) with the line for the client.
//
//   parse_canonical_body   the bounded parse of the client body ("nests deeper than 128 levels",
//                          "is not valid JSON")
//   copy_numbers           numeric sampling members (temperature, top_p, ...) copied under the
//                          provider's names; a non-number is "<name> must be a number"
//   max_tokens             max_completion_tokens, else max_tokens: a positive integer, or 0
//                          when neither is present
//   stop_sequences         stop as a string or an array of strings → an array (empty when absent)
//   function_tools         tools → [{"type": "function", "function": {name, description?,
//                          parameters?}}] (the OpenAI shape, which Cohere and Ollama take as is)
#pragma once

#include "plugin_util/bounded_json.hpp"
#include "plugin_util/json_helpers.hpp"

#include <rapidjson/document.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace llmgw::plugin_util {

/// Parses the client's canonical body into `doc` (bounded nesting).
template <typename Document>
void parse_canonical_body(Document& doc, std::string_view bytes) {
  switch (parse_bounded(doc, bytes)) {
    case JsonParse::kOk: break;
    case JsonParse::kTooDeep: json::bad("the request body nests deeper than 128 levels");
    case JsonParse::kSyntax: json::bad("the request body is not valid JSON");
  }
}

/// A canonical member and the provider's name for it.
struct Rename {
  const char* from;
  const char* to;
};

/// Each present (non-null) `body[from]`, which must be a number, added to `out` as `to`.
inline void copy_numbers(const Value& body, std::initializer_list<Rename> names, Value& out, Allocator& a) {
  for (const Rename& m : names) {
    if (const Value* v = json::member(body, m.from)) {
      if (!v->IsNumber()) json::bad(std::string(m.from) + " must be a number");
      out.AddMember(rapidjson::StringRef(m.to), Value(*v, a), a);
    }
  }
}

/// max_completion_tokens, else max_tokens (a positive integer); 0 when neither is present.
inline int64_t max_tokens(const Value& body) {
  const Value* max = json::member(body, "max_completion_tokens");
  if (!max) max = json::member(body, "max_tokens");
  if (!max) return 0;
  if (!max->IsInt64() || max->GetInt64() < 1) json::bad("max_tokens must be a positive integer");
  return max->GetInt64();
}

/// `stop` (a string or an array of strings) as an array of copies; empty when absent.
inline Value stop_sequences(const Value& body, Allocator& a) {
  Value seqs(rapidjson::kArrayType);
  const Value* stop = json::member(body, "stop");
  if (!stop) return seqs;
  if (stop->IsString()) {
    seqs.PushBack(json::copy(json::sv(*stop), a), a);
  } else if (stop->IsArray()) {
    for (const auto& s : stop->GetArray()) {
      if (!s.IsString()) json::bad("stop must be a string or an array of strings");
      seqs.PushBack(json::copy(json::sv(s), a), a);
    }
  } else {
    json::bad("stop must be a string or an array of strings");
  }
  return seqs;
}

/// `tools` (function tools only; each with a non-empty function.name) as a new array of
/// {"type": "function", "function": {"name", "description"?, "parameters"?}}. `provider` names
/// the upstream in the refusal of another tool type ("... supported by <provider>").
inline Value function_tools(const Value& tools, std::string_view provider, Allocator& a) {
  if (!tools.IsArray()) json::bad("tools must be an array");
  Value list(rapidjson::kArrayType);
  for (rapidjson::SizeType i = 0; i < tools.Size(); ++i) {
    const Value& t = tools[i];
    if (const Value* type = json::member(t, "type"); type && json::sv(*type) != "function")
      json::unsupported("tools[" + std::to_string(i) + "]: only function tools are supported by " + std::string(provider));
    const Value& f = json::get(t, "function");
    if (json::str_member(f, "name").empty())
      json::bad("tools[" + std::to_string(i) + "].function.name must be a non-empty string");
    Value fn(rapidjson::kObjectType);
    for (const char* k : {"name", "description", "parameters"})
      if (const Value* v = json::member(f, k)) fn.AddMember(rapidjson::StringRef(k), Value(*v, a), a);
    Value tool(rapidjson::kObjectType);
    tool.AddMember("type", "function", a);
    tool.AddMember("function", fn, a);
    list.PushBack(tool, a);
  }
  return list;
}

}  // namespace llmgw::plugin_util
