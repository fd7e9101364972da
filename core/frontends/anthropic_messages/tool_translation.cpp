#include "frontends/anthropic_messages/tool_translation.hpp"

#include <string>

namespace llmgw::frontends::anthropic::detail {
namespace {

using rapidjson::Value;

constexpr std::string_view kEmptySchema = R"({"type":"object","properties":{}})";

std::optional<canonical::ApiError> check(const Value& tools, const Value* choice) {
  if (!tools.IsArray()) return canonical::ApiError::invalid("tools: Input should be a valid list", "tools");
  for (rapidjson::SizeType i = 0; i < tools.Size(); ++i) {
    const Value& t = tools[i];
    std::string at = "tools." + std::to_string(i);
    if (!t.IsObject()) return canonical::ApiError::invalid(at + ": Input should be a valid dictionary", at);
    std::string_view type = string_member(t, "type", "custom");
    if (type != "custom")
      return canonical::ApiError::invalid(at + ".type: tool type '" + std::string(type) +
                                   "' (an Anthropic server tool) cannot be translated for this model's upstream "
                                   "(not an Anthropic API); use a Claude deployment or remove it",
                               at + ".type");
    if (string_member(t, "name").empty()) return canonical::ApiError::invalid(at + ".name: Field required", at + ".name");
  }
  if (choice && choice->IsObject()) {
    std::string_view type = string_member(*choice, "type");
    if (type != "auto" && type != "any" && type != "none" && type != "tool")
      return canonical::ApiError::invalid("tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'", "tool_choice.type");
    if (type == "tool" && string_member(*choice, "name").empty())
      return canonical::ApiError::invalid("tool_choice.name: Field required", "tool_choice.name");
  }
  return std::nullopt;
}

}  // namespace

std::optional<canonical::ApiError> write_tools(JsonWriter& w, const Value& tools, const Value* choice) {
  if (tools.IsNull()) return std::nullopt;
  if (auto err = check(tools, choice)) return err;
  if (tools.Empty()) return std::nullopt;
  w.Key("tools");
  w.StartArray();
  for (const Value& t : tools.GetArray()) {
    w.StartObject();
    write_kv(w, "type", "function");
    w.Key("function");
    w.StartObject();
    write_kv(w, "name", string_member(t, "name"));
    if (const Value* d = member(t, "description"); d && d->IsString()) write_kv(w, "description", string_member(t, "description"));
    w.Key("parameters");
    if (const Value* s = member(t, "input_schema"); s && s->IsObject()) s->Accept(w);
    else w.RawValue(kEmptySchema.data(), kEmptySchema.size(), rapidjson::kObjectType);
    if (const Value* s = member(t, "strict"); s && s->IsBool()) {
      w.Key("strict");
      w.Bool(s->GetBool());
    }
    w.EndObject();
    copy_cache_control(w, t);
    w.EndObject();
  }
  w.EndArray();
  if (!choice || !choice->IsObject()) return std::nullopt;
  std::string_view type = string_member(*choice, "type");
  if (type == "tool") {
    w.Key("tool_choice");
    w.StartObject();
    write_kv(w, "type", "function");
    w.Key("function");
    w.StartObject();
    write_kv(w, "name", string_member(*choice, "name"));
    w.EndObject();
    w.EndObject();
  } else {
    write_kv(w, "tool_choice", type == "any" ? "required" : type);
  }
  if (const Value* d = member(*choice, "disable_parallel_tool_use"); d && d->IsBool() && d->GetBool()) {
    w.Key("parallel_tool_calls");
    w.Bool(false);
  }
  return std::nullopt;
}

void write_response_format(JsonWriter& w, const Value& request) {
  const Value* format = nullptr;
  if (const Value* oc = member(request, "output_config")) format = member(*oc, "format");
  if (!format) format = member(request, "output_format");
  if (!format || string_member(*format, "type") != "json_schema") return;
  const Value* schema = member(*format, "schema");
  if (!schema || !schema->IsObject()) return;
  w.Key("response_format");
  w.StartObject();
  write_kv(w, "type", "json_schema");
  w.Key("json_schema");
  w.StartObject();
  write_kv(w, "name", "output");
  w.Key("schema");
  schema->Accept(w);
  w.Key("strict");
  w.Bool(true);
  w.EndObject();
  w.EndObject();
}

}  // namespace llmgw::frontends::anthropic::detail
