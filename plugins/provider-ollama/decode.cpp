#include "decode.hpp"

#include "answer.hpp"
#include "errors.hpp"
#include "wire.hpp"

#include <plugin_util/bounded_json.hpp>

namespace llmgw::provider_ollama {

using namespace plugin_util::json;

llmgw_status decode(const Config& cfg, const llmgw_call& call, const llmgw_upstream_response& r, const llmgw_result_out& out,
                    int64_t now_unix_s) {
  if (r.status < 200 || r.status > 299) return report_error(out, error_from_response(cfg, r));
  rapidjson::Document doc;
  const plugin_util::JsonParse p = plugin_util::parse_bounded(doc, view(r.body));
  if (p != plugin_util::JsonParse::kOk || !doc.IsObject())
    return report_error(out, bad_response(p == plugin_util::JsonParse::kTooDeep ? "upstream returned a body nested deeper than 128 levels"
                                                                                : "upstream returned a body that is not a JSON object"));
  const Answer a = read_answer(doc);
  if (a.has_error) return report_error(out, error_from_text(cfg, a.error));
  if (!doc.HasMember("message")) return report_error(out, bad_response("upstream response has no message"));

  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  key_string(w, "id", "chatcmpl-ollama-" + tool_call_id(a.created_at, 0, a.model, {}).substr(5));
  key_string(w, "object", "chat.completion");
  w.Key("created");
  w.Int64(now_unix_s);
  key_string(w, "model", a.model.empty() ? view(call.model) : a.model);
  w.Key("choices");
  w.StartArray();
  w.StartObject();
  w.Key("index");
  w.Int(0);
  w.Key("message");
  w.StartObject();
  key_string(w, "role", "assistant");
  w.Key("content");
  if (a.content.empty() && !a.calls.empty()) w.Null();
  else string(w, a.content);
  if (!a.thinking.empty()) key_string(w, "reasoning_content", a.thinking);
  if (!a.calls.empty()) {
    w.Key("tool_calls");
    w.StartArray();
    for (std::size_t k = 0; k < a.calls.size(); ++k) {
      w.StartObject();
      key_string(w, "id", tool_call_id(a.created_at, k, a.calls[k].name, a.calls[k].upstream_id));
      key_string(w, "type", "function");
      w.Key("function");
      w.StartObject();
      key_string(w, "name", a.calls[k].name);
      key_string(w, "arguments", a.calls[k].arguments);
      w.EndObject();
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  w.Key("logprobs");
  w.Null();
  key_string(w, "finish_reason", finish_reason_for(a.done_reason, !a.calls.empty()));
  w.EndObject();
  w.EndArray();
  w.Key("usage");
  write_usage(w, a.prompt_eval_count, a.eval_count);
  w.EndObject();
  out.append_body(out.ctx, llmgw_str{sb.GetString(), sb.GetSize()});
  const llmgw_usage u = usage_of(a.prompt_eval_count, a.eval_count);
  out.set_usage(out.ctx, &u);
  return LLMGW_OK;
}

}  // namespace llmgw::provider_ollama
