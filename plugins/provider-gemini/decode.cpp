#include "decode.hpp"

#include "candidate.hpp"
#include "errors.hpp"
#include "json_util.hpp"
#include "tool_ids.hpp"
#include "usage.hpp"

#include <llmgw/plugin.hpp>

#include <plugin_util/bounded_json.hpp>

#include <string>
#include <vector>

namespace llmgw::provider_gemini {
namespace {

using namespace json;

void write_choice(Writer& w, const CandidateParts& c, int index, std::string_view response_id) {
  w.StartObject();
  w.Key("index");
  w.Int(index);
  w.Key("message");
  w.StartObject();
  key_string(w, "role", "assistant");
  w.Key("content");
  if (!c.text.empty() || c.calls.empty()) string(w, c.text);
  else w.Null();
  if (!c.reasoning.empty()) key_string(w, "reasoning_content", c.reasoning);
  if (!c.calls.empty()) {
    w.Key("tool_calls");
    w.StartArray();
    for (std::size_t k = 0; k < c.calls.size(); ++k) {
      const FunctionCall& call = c.calls[k];
      w.StartObject();
      key_string(w, "id", tool_call_id(response_id, k, call.name, call.upstream_id, call.signature));
      key_string(w, "type", "function");
      w.Key("function");
      w.StartObject();
      key_string(w, "name", call.name);
      key_string(w, "arguments", call.arguments);
      w.EndObject();
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  w.Key("logprobs");
  w.Null();
  key_string(w, "finish_reason", canonical_finish(c.finish_reason, !c.calls.empty()));
  w.EndObject();
}

}  // namespace

llmgw_status decode(const Config& cfg, const llmgw_call& call, const llmgw_upstream_response& r,
                    const llmgw_result_out& out, int64_t now_unix_s) {
  if (r.status < 200 || r.status > 299) return report_error(out, error_from_response(cfg, r));
  rapidjson::Document doc;
  switch (plugin_util::parse_bounded(doc, view(r.body))) {
    case plugin_util::JsonParse::kOk: break;
    case plugin_util::JsonParse::kTooDeep:
      return report_error(out, bad_response("upstream returned a body nested deeper than 128 levels"));
    case plugin_util::JsonParse::kSyntax:
      return report_error(out, bad_response("upstream returned HTTP " + std::to_string(r.status) + " with a body that is not JSON"));
  }
  if (!doc.IsObject()) return report_error(out, bad_response("upstream returned a body that is not a JSON object"));
  if (const Value* err = member(doc, "error"); err && err->IsObject())
    return report_error(out, error_from_fields(cfg, error_fields(*err), 0, -1));

  std::vector<CandidateParts> candidates;
  if (const Value* cs = member(doc, "candidates"); cs && cs->IsArray())
    for (const Value& c : cs->GetArray()) candidates.push_back(read_candidate(c));
  const std::string_view block_reason = str_member(get(doc, "promptFeedback"), "blockReason");
  if (candidates.empty()) {
    if (block_reason.empty()) return report_error(out, bad_response("upstream response has no candidates"));
    CandidateParts blocked;
    blocked.finish_reason = "SAFETY";
    candidates.push_back(std::move(blocked));
  }

  const std::string_view response_id = str_member(doc, "responseId");
  std::string_view model = str_member(doc, "modelVersion");
  if (model.empty()) model = view(call.model);
  const Usage usage = Usage::read(get(doc, "usageMetadata"));

  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  const std::string id = response_id.empty() ? "chatcmpl-gemini-" + std::to_string(now_unix_s) : "chatcmpl-" + std::string(response_id);
  key_string(w, "id", id);
  key_string(w, "object", "chat.completion");
  w.Key("created");
  w.Int64(now_unix_s);
  key_string(w, "model", model);
  w.Key("choices");
  w.StartArray();
  for (std::size_t i = 0; i < candidates.size(); ++i) write_choice(w, candidates[i], static_cast<int>(i), response_id);
  w.EndArray();
  w.Key("usage");
  usage.write_canonical(w);
  w.EndObject();

  out.append_body(out.ctx, llmgw_str{sb.GetString(), sb.GetSize()});
  const llmgw_usage u = usage.to_llmgw();
  out.set_usage(out.ctx, &u);
  return LLMGW_OK;
}

}  // namespace llmgw::provider_gemini
