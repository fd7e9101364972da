#include "decode.hpp"

#include "errors.hpp"
#include "scan.hpp"
#include "usage.hpp"
#include "wire.hpp"

#include <llmgw/plugin.hpp>

#include <llmgw/json_depth.hpp>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <vector>

namespace llmgw::provider_anthropic {
namespace {

using rapidjson::Value;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

std::string_view sv(const Value& v) { return v.IsString() ? std::string_view(v.GetString(), v.GetStringLength()) : std::string_view(); }

std::string_view string_member(const Value& obj, const char* name) {
  auto it = obj.FindMember(name);
  return it == obj.MemberEnd() ? std::string_view() : sv(it->value);
}

void key_string(Writer& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

std::string compact(const Value& v) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  v.Accept(w);
  return std::string(sb.GetString(), sb.GetSize());
}

/// What the content blocks of a Messages response say, gathered before writing.
struct Blocks {
  std::string text;
  std::string json_output;  // the json_schema tool's input, compact
  bool has_json_output = false;
  std::string reasoning;
  std::vector<const Value*> tool_uses;
  std::vector<const Value*> thinking;  // thinking and redacted_thinking blocks, in order
};

Blocks gather(const Value& content, std::string_view json_tool) {
  Blocks b;
  for (const auto& block : content.GetArray()) {
    if (!block.IsObject()) continue;
    const std::string_view type = string_member(block, "type");
    if (type == "text") {
      b.text += string_member(block, "text");
    } else if (type == "tool_use") {
      if (!json_tool.empty() && string_member(block, "name") == json_tool && !b.has_json_output) {
        auto input = block.FindMember("input");
        b.json_output = input == block.MemberEnd() ? "{}" : compact(input->value);
        b.has_json_output = true;
      } else {
        b.tool_uses.push_back(&block);
      }
    } else if (type == "thinking") {
      b.reasoning += string_member(block, "thinking");
      b.thinking.push_back(&block);
    } else if (type == "redacted_thinking") {
      b.thinking.push_back(&block);
    }
  }
  return b;
}

void write_message(Writer& w, const Blocks& b) {
  w.StartObject();
  key_string(w, "role", "assistant");
  w.Key("content");
  if (b.has_json_output) w.String(b.json_output.data(), static_cast<rapidjson::SizeType>(b.json_output.size()));
  else if (!b.text.empty() || b.tool_uses.empty()) w.String(b.text.data(), static_cast<rapidjson::SizeType>(b.text.size()));
  else w.Null();
  if (!b.thinking.empty()) {
    key_string(w, "reasoning_content", b.reasoning);
    w.Key("thinking_blocks");
    w.StartArray();
    for (const Value* t : b.thinking) {
      w.StartObject();
      const std::string_view type = string_member(*t, "type");
      key_string(w, "type", type);
      if (type == "thinking") {
        key_string(w, "thinking", string_member(*t, "thinking"));
        key_string(w, "signature", string_member(*t, "signature"));
      } else {
        key_string(w, "data", string_member(*t, "data"));
      }
      w.EndObject();
    }
    w.EndArray();
  }
  if (!b.tool_uses.empty()) {
    w.Key("tool_calls");
    w.StartArray();
    for (const Value* t : b.tool_uses) {
      w.StartObject();
      key_string(w, "id", string_member(*t, "id"));
      key_string(w, "type", "function");
      w.Key("function");
      w.StartObject();
      key_string(w, "name", string_member(*t, "name"));
      auto input = t->FindMember("input");
      key_string(w, "arguments", input == t->MemberEnd() ? std::string("{}") : compact(input->value));
      w.EndObject();
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

llmgw_status translate(const Config& cfg, const llmgw_call& call, const llmgw_upstream_response& r,
                       const llmgw_result_out& out, int64_t now_unix_s) {
  rapidjson::Document doc;
  // Bounded: the translation copies parts of it back out (compact(), Accept()).
  const JsonResult parsed = parse_bounded(doc, view(r.body));
  if (parsed.too_deep()) return report_error(out, too_deep_response("upstream response"));
  if (!parsed || !doc.IsObject())
    return report_error(out, bad_response("upstream returned HTTP " + std::to_string(r.status) +
                                          " with a body that is not a JSON object"));
  if (string_member(doc, "type") == "error" || doc.HasMember("error")) {
    const ErrorFields f = parse_error_body(view(r.body));
    return report_error(out, error_from_type(cfg, f));
  }
  auto content = doc.FindMember("content");
  if (content == doc.MemberEnd() || !content->value.IsArray())
    return report_error(out, bad_response("upstream message has no content array"));

  const RequestFacts facts = scan_request(view(call.body));
  const Blocks blocks = gather(content->value, facts.json_tool_name);
  const std::string_view stop_reason = string_member(doc, "stop_reason");
  std::string_view finish = finish_reason_for(stop_reason);
  if (stop_reason == "tool_use" && blocks.has_json_output && blocks.tool_uses.empty()) finish = "stop";
  std::string_view model = string_member(doc, "model");
  if (model.empty()) model = view(call.model);
  auto usage_it = doc.FindMember("usage");
  const Usage usage = usage_it == doc.MemberEnd() ? Usage() : Usage::read(usage_it->value);

  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  key_string(w, "id", string_member(doc, "id"));
  key_string(w, "object", "chat.completion");
  w.Key("created");
  w.Int64(now_unix_s);
  key_string(w, "model", model);
  w.Key("choices");
  w.StartArray();
  w.StartObject();
  w.Key("index");
  w.Int(0);
  w.Key("message");
  write_message(w, blocks);
  w.Key("logprobs");
  w.Null();
  key_string(w, "finish_reason", finish);
  if (auto seq = doc.FindMember("stop_sequence"); seq != doc.MemberEnd() && seq->value.IsString())
    key_string(w, "stop_sequence", sv(seq->value));
  w.EndObject();
  w.EndArray();
  w.Key("usage");
  usage.write_canonical(w);
  w.EndObject();

  out.append_body(out.ctx, llmgw_str{sb.GetString(), sb.GetSize()});
  const llmgw_usage u = usage.to_llmgw();
  out.set_usage(out.ctx, &u);
  return LLMGW_OK;
}

}  // namespace

llmgw_status decode(const Config& cfg, const llmgw_call& call, const llmgw_upstream_response& r,
                    const llmgw_result_out& out, int64_t now_unix_s) {
  if (r.status < 200 || r.status > 299) return report_error(out, error_from_response(cfg, r));
  const bool passthrough = call.body_dialect == LLMGW_DIALECT_ANTHROPIC_MESSAGES;
  const bool count_tokens = call.operation == LLMGW_OP_COUNT_TOKENS;
  if (!passthrough && !count_tokens) return translate(cfg, call, r, out, now_unix_s);

  const MessageScan scan = scan_message(view(r.body));
  if (scan.too_deep) return report_error(out, too_deep_response("upstream response"));
  if (!scan.valid || !scan.root_object)
    return report_error(out, bad_response("upstream returned HTTP " + std::to_string(r.status) +
                                          " with a body that is not a JSON object"));
  if (scan.type == "error" || scan.has_error)
    return report_error(out, error_from_type(cfg, ErrorFields{scan.error_type, scan.error_message}));
  out.use_upstream_body(out.ctx);
  if (!count_tokens && scan.usage.any()) {
    const llmgw_usage u = scan.usage.to_llmgw();
    out.set_usage(out.ctx, &u);
  }
  return LLMGW_OK;
}

}  // namespace llmgw::provider_anthropic
