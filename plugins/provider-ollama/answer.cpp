#include "answer.hpp"

#include "wire.hpp"

namespace llmgw::provider_ollama {

using namespace plugin_util::json;

Answer read_answer(const Value& obj) {
  Answer a;
  if (const Value* e = member(obj, "error")) {
    a.has_error = true;
    a.error = e->IsString() ? sv(*e) : std::string_view("upstream reported an error");
    return a;
  }
  a.model = str_member(obj, "model");
  a.created_at = str_member(obj, "created_at");
  if (const Value* d = member(obj, "done"); d && d->IsTrue()) a.done = true;
  a.done_reason = str_member(obj, "done_reason");
  if (const Value* p = member(obj, "prompt_eval_count"); p && p->IsInt64()) a.prompt_eval_count = p->GetInt64();
  if (const Value* e = member(obj, "eval_count"); e && e->IsInt64()) a.eval_count = e->GetInt64();
  const Value& msg = get(obj, "message");
  a.content = str_member(msg, "content");
  a.thinking = str_member(msg, "thinking");
  if (const Value* calls = member(msg, "tool_calls"); calls && calls->IsArray()) {
    for (const Value& c : calls->GetArray()) {
      const Value& f = get(c, "function");
      ToolCall t;
      t.name = str_member(f, "name");
      t.upstream_id = str_member(c, "id");
      const Value* args = member(f, "arguments");
      t.arguments = !args ? "{}" : args->IsString() ? std::string(sv(*args)) : compact(*args);
      a.calls.push_back(std::move(t));
    }
  }
  return a;
}

std::string tool_call_id(std::string_view created_at, std::size_t index, std::string_view name, std::string_view upstream_id) {
  if (!upstream_id.empty()) return std::string(upstream_id);
  auto fnv = [](std::string_view s, uint64_t h) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
    return h;
  };
  const std::string pos = std::to_string(index);
  const uint64_t h1 = fnv(name, fnv("\x1f", fnv(pos, fnv("\x1f", fnv(created_at, 14695981039346656037ull)))));
  const uint64_t h2 = fnv(created_at, fnv(pos, fnv(name, h1 ^ 0x9e3779b97f4a7c15ull)));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(kToolIdPrefix);
  for (int i = 15; i >= 0; --i) id += kHex[(h1 >> (4 * i)) & 0xF];
  for (int i = 7; i >= 0; --i) id += kHex[(h2 >> (4 * i)) & 0xF];
  return id;
}

llmgw_usage usage_of(int64_t prompt, int64_t completion) {
  llmgw_usage u = unknown_usage();
  u.prompt_tokens = prompt;
  u.completion_tokens = completion;
  return u;
}

void write_usage(Writer& w, int64_t prompt, int64_t completion) {
  prompt = prompt > 0 ? prompt : 0;
  completion = completion > 0 ? completion : 0;
  w.StartObject();
  w.Key("prompt_tokens");
  w.Int64(prompt);
  w.Key("completion_tokens");
  w.Int64(completion);
  w.Key("total_tokens");
  int64_t total;  // the counts come from the upstream's JSON, where any int64 is valid
  w.Int64(__builtin_add_overflow(prompt, completion, &total) ? INT64_MAX : total);
  w.EndObject();
}

}  // namespace llmgw::provider_ollama
