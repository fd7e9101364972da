#include "decode.hpp"

#include "answer.hpp"
#include "candidate.hpp"
#include "count_tokens.hpp"
#include "embeddings.hpp"
#include "errors.hpp"
#include "json_util.hpp"
#include "tool_ids.hpp"
#include "usage.hpp"
#include "vertex_claude.hpp"
#include "vertex_embeddings.hpp"
#include "vertex_mistral.hpp"
#include "vertex_open_models.hpp"

#include <llmgw/plugin.hpp>

#include <plugin_util/completion_writer.hpp>

#include <optional>
#include <string>
#include <vector>

namespace llmgw::provider_gemini {
namespace {

using namespace json;

void write_choice(Writer& w, const CandidateParts& c, int index, std::string_view response_id) {
  plugin_util::write_choice(
      w, index, c.text, c.reasoning, !c.calls.empty(),
      [&](Writer& w) {
        for (std::size_t k = 0; k < c.calls.size(); ++k) {
          const FunctionCall& call = c.calls[k];
          plugin_util::write_tool_call(w, tool_call_id(response_id, k, call.name, call.upstream_id, call.signature), call.name,
                                       call.arguments);
        }
      },
      canonical_finish(c.finish_reason, !c.calls.empty()));
}

}  // namespace

llmgw_status decode(const Config& cfg, const llmgw_call& call, const llmgw_upstream_response& r,
                    const llmgw_result_out& out, int64_t now_unix_s) {
  if (is_vertex_open_model(cfg, view(call.model))) return decode_vertex_open_model(cfg, r, out);
  if (is_vertex_mistral(cfg, view(call.model))) return decode_vertex_mistral(cfg, call, r, out);
  if (is_vertex_claude(cfg, view(call.model)) && call.operation != LLMGW_OP_EMBEDDINGS)
    return decode_vertex_claude(cfg, call, r, out, now_unix_s);
  if (call.operation == LLMGW_OP_COUNT_TOKENS) return decode_count_tokens(cfg, r, out);
  if (r.status < 200 || r.status > 299) return report_error(out, error_from_response(cfg, r));
  if (call.operation == LLMGW_OP_EMBEDDINGS && cfg.vertex_ai) return decode_vertex_embeddings(cfg, call, r, out);
  if (call.operation == LLMGW_OP_EMBEDDINGS) return decode_embeddings(cfg, call, r, out);
  rapidjson::Document doc;
  if (const std::optional<llmgw_status> refused = parse_answer(cfg, r, out, doc)) return *refused;

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
  const std::string id = response_id.empty() ? "chatcmpl-gemini-" + std::to_string(now_unix_s) : "chatcmpl-" + std::string(response_id);
  plugin_util::write_completion(
      w, id, now_unix_s, model,
      [&](Writer& w) {
        for (std::size_t i = 0; i < candidates.size(); ++i) write_choice(w, candidates[i], static_cast<int>(i), response_id);
      },
      [&](Writer& w) { usage.write_canonical(w); });

  out.append_body(out.ctx, llmgw_str{sb.GetString(), sb.GetSize()});
  const llmgw_usage u = usage.to_llmgw();
  out.set_usage(out.ctx, &u);
  return LLMGW_OK;
}

}  // namespace llmgw::provider_gemini
