#include "embeddings.hpp"

#include "errors.hpp"

#include <llmgw/plugin.hpp>

#include <plugin_util/bounded_json.hpp>
#include <plugin_util/embeddings.hpp>
#include <plugin_util/json_helpers.hpp>

#include <string>

namespace llmgw::provider_ollama {

using namespace plugin_util::json;
using plugin_util::Value;
using plugin_util::Writer;

llmgw_status encode_embeddings(const Config& cfg, const llmgw_call& call, const llmgw_request_out& out,
                               const llmgw_writer* error) {
  rapidjson::StringBuffer sb;
  const llmgw_status st = plugin_util::encode_embeddings_body(
      call, "Ollama", error, sb, [&](const plugin_util::EmbeddingsRequest& req, Writer& w) {
        w.StartObject();
        key_string(w, "model", view(call.model));
        w.Key("input");
        if (req.single) {
          string(w, req.texts.front());
        } else {
          w.StartArray();
          for (const std::string_view t : req.texts) string(w, t);
          w.EndArray();
        }
        if (req.dimensions > 0) {
          w.Key("dimensions");
          w.Int64(req.dimensions);
        }
        if (!cfg.keep_alive_json.empty()) {
          w.Key("keep_alive");
          w.RawValue(cfg.keep_alive_json.data(), cfg.keep_alive_json.size(), rapidjson::kStringType);
        }
        w.EndObject();
      });
  if (st != LLMGW_OK) return st;
  out.set_method(out.ctx, str("POST"));
  out.set_url(out.ctx, str(cfg.embed_url));
  out.add_header(out.ctx, str("content-type"), str("application/json"));
  for (const Header& h : cfg.headers) out.add_header(out.ctx, str(h.name), str(h.value));
  out.append_body(out.ctx, llmgw_str{sb.GetString(), sb.GetSize()});
  return LLMGW_OK;
}

llmgw_status decode_embeddings(const Config& cfg, const llmgw_call& call, const llmgw_upstream_response& r,
                               const llmgw_result_out& out) {
  rapidjson::Document doc;
  const plugin_util::JsonParse p = plugin_util::parse_bounded(doc, view(r.body));
  if (p != plugin_util::JsonParse::kOk || !doc.IsObject())
    return report_error(out, bad_response(p == plugin_util::JsonParse::kTooDeep ? "upstream returned a body nested deeper than 128 levels"
                                                                                : "upstream returned a body that is not a JSON object"));
  if (const Value* e = member(doc, "error")) return report_error(out, error_from_text(cfg, sv(*e)));
  const Value* embeddings = member(doc, "embeddings");
  if (!embeddings || !embeddings->IsArray() || embeddings->Empty())
    return report_error(out, bad_response("upstream embeddings answer has no embeddings"));
  const plugin_util::EmbeddingsShape shape = plugin_util::embeddings_shape(view(call.body));
  plugin_util::EmbeddingListWriter list(shape.base64);
  for (const Value& e : embeddings->GetArray())
    if (!list.add(e)) return report_error(out, bad_response("upstream embedding is not an array of numbers"));
  std::string_view model = str_member(doc, "model");
  if (model.empty()) model = view(call.model);
  if (list.count() != shape.inputs)
    return report_error(out, bad_response(plugin_util::embeddings_count_mismatch(list.count(), shape.inputs)));
  return plugin_util::answer_embeddings(out, list, model, token_count(member(doc, "prompt_eval_count")));
}

}  // namespace llmgw::provider_ollama
