#include "decode.hpp"

#include "answer.hpp"
#include "embeddings.hpp"
#include "errors.hpp"
#include "wire.hpp"

#include <plugin_util/bounded_json.hpp>
#include <plugin_util/completion_writer.hpp>

namespace llmgw::provider_ollama {

using namespace plugin_util::json;

llmgw_status decode(const Config& cfg, const llmgw_call& call, const llmgw_upstream_response& r, const llmgw_result_out& out,
                    int64_t now_unix_s) {
  if (r.status < 200 || r.status > 299) return report_error(out, error_from_response(cfg, r));
  if (call.operation == LLMGW_OP_EMBEDDINGS) return decode_embeddings(cfg, call, r, out);
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
  plugin_util::write_completion(
      w, "chatcmpl-ollama-" + tool_call_id(a.created_at, 0, a.model, {}).substr(5), now_unix_s,
      a.model.empty() ? view(call.model) : std::string_view(a.model),
      [&](Writer& w) {
        plugin_util::write_choice(
            w, 0, a.content, a.thinking, !a.calls.empty(),
            [&](Writer& w) {
              for (std::size_t k = 0; k < a.calls.size(); ++k)
                plugin_util::write_tool_call(w, tool_call_id(a.created_at, k, a.calls[k].name, a.calls[k].upstream_id),
                                             a.calls[k].name, a.calls[k].arguments);
            },
            finish_reason_for(a.done_reason, !a.calls.empty()));
      },
      [&](Writer& w) { write_usage(w, a.prompt_eval_count, a.eval_count); });
  out.append_body(out.ctx, llmgw_str{sb.GetString(), sb.GetSize()});
  const llmgw_usage u = usage_of(a.prompt_eval_count, a.eval_count);
  out.set_usage(out.ctx, &u);
  return LLMGW_OK;
}

}  // namespace llmgw::provider_ollama
