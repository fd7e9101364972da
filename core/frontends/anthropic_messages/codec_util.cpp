#include "frontends/anthropic_messages/codec_util.hpp"

#include <algorithm>

namespace llmgw::frontends::anthropic::detail {

const rapidjson::Value* member(const rapidjson::Value& v, const char* name) {
  if (!v.IsObject()) return nullptr;
  auto it = v.FindMember(name);
  return it == v.MemberEnd() ? nullptr : &it->value;
}

std::string_view string_member(const rapidjson::Value& v, const char* name, std::string_view fallback) {
  const rapidjson::Value* m = member(v, name);
  if (!m || !m->IsString()) return fallback;
  return {m->GetString(), m->GetStringLength()};
}

int64_t int_member(const rapidjson::Value& v, const char* name, int64_t fallback) {
  const rapidjson::Value* m = member(v, name);
  if (!m || !m->IsNumber()) return fallback;
  if (m->IsInt64()) return m->GetInt64();
  if (m->IsUint64()) return static_cast<int64_t>(std::min<uint64_t>(m->GetUint64(), INT64_MAX));
  double d = m->GetDouble();
  if (!(d > -9.2e18 && d < 9.2e18)) return fallback;
  return static_cast<int64_t>(d);
}

void copy_cache_control(JsonWriter& w, const rapidjson::Value& block) {
  if (const rapidjson::Value* cc = member(block, "cache_control"); cc && cc->IsObject()) {
    w.Key("cache_control");
    cc->Accept(w);
  }
}

std::string compact_json(const rapidjson::Value& v) {
  std::string out;
  StringOut os{out};
  JsonWriter w(os);
  v.Accept(w);
  return out;
}

std::string message_id(std::string_view canonical_id) {
  if (canonical_id.empty()) return "msg_llmgw";
  if (canonical_id.substr(0, 4) == "msg_") return std::string(canonical_id);
  std::string id = "msg_";
  id += canonical_id;
  return id;
}

std::string_view stop_reason(std::string_view finish_reason, bool stop_sequence_set) {
  if (finish_reason == "stop") return stop_sequence_set ? "stop_sequence" : "end_turn";
  if (finish_reason == "length") return "max_tokens";
  if (finish_reason == "tool_calls" || finish_reason == "function_call") return "tool_use";
  if (finish_reason == "content_filter") return "refusal";
  if (stop_sequence_set) return "stop_sequence";
  return "end_turn";
}

void Usage::read(const rapidjson::Value& v) {
  if (!v.IsObject()) return;
  seen = true;
  prompt_tokens = int_member(v, "prompt_tokens", prompt_tokens);
  completion_tokens = int_member(v, "completion_tokens", completion_tokens);
  if (const rapidjson::Value* d = member(v, "prompt_tokens_details"))
    cached_tokens = int_member(*d, "cached_tokens", cached_tokens);
  cache_creation_tokens = int_member(v, "cache_creation_input_tokens", cache_creation_tokens);
}

int64_t Usage::input_tokens() const {
  int64_t n = prompt_tokens < 0 ? 0 : prompt_tokens;
  n -= cache_read();
  n -= cache_creation();
  return n < 0 ? 0 : n;
}

void write_usage(JsonWriter& w, const Usage& u) {
  w.StartObject();
  w.Key("input_tokens");
  w.Int64(u.input_tokens());
  w.Key("cache_creation_input_tokens");
  w.Int64(u.cache_creation());
  w.Key("cache_read_input_tokens");
  w.Int64(u.cache_read());
  w.Key("output_tokens");
  w.Int64(u.output_tokens());
  w.EndObject();
}

}  // namespace llmgw::frontends::anthropic::detail
