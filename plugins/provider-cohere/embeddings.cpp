#include "embeddings.hpp"

#include "codec.hpp"
#include "wire.hpp"

#include <llmgw/plugin.hpp>

#include <plugin_util/bounded_json.hpp>
#include <plugin_util/embeddings.hpp>
#include <plugin_util/json_helpers.hpp>

#include <string>

namespace llmgw::provider_cohere {

using namespace plugin_util::json;
using plugin_util::Value;
using plugin_util::Writer;

llmgw_status encode_embeddings(const Config& cfg, const llmgw_call& call, const llmgw_request_out& out,
                               const llmgw_writer* error) {
  const std::string_view model = view(call.model);
  rapidjson::StringBuffer sb;
  const llmgw_status st = plugin_util::encode_embeddings_body(
      call, "Cohere", error, sb, [&](const plugin_util::EmbeddingsRequest& req, Writer& w) {
        if (req.texts.size() > kMaxEmbedTexts)
          unsupported("Cohere embeds at most " + std::to_string(kMaxEmbedTexts) + " inputs per request; this one has " +
                      std::to_string(req.texts.size()));
        if (req.dimensions > 0 && !model.starts_with(kOutputDimensionModelPrefix))
          unsupported("dimensions is not supported by Cohere model '" + std::string(model) +
                      "' (only embed-v4 models take output_dimension)");
        w.StartObject();
        key_string(w, "model", model);
        w.Key("texts");
        w.StartArray();
        for (const std::string_view t : req.texts) string(w, t);
        w.EndArray();
        key_string(w, "input_type", cfg.input_type);
        w.Key("embedding_types");
        w.StartArray();
        string(w, "float");
        w.EndArray();
        if (req.dimensions > 0) {
          w.Key("output_dimension");
          w.Int64(req.dimensions);
        }
        w.EndObject();
      });
  if (st != LLMGW_OK) return st;
  out.set_method(out.ctx, str("POST"));
  out.set_url(out.ctx, str(cfg.embed_url));
  out.add_header(out.ctx, str("content-type"), str("application/json"));
  out.add_header(out.ctx, str("accept"), str("application/json"));
  for (const Header& h : cfg.headers) out.add_header(out.ctx, str(h.name), str(h.value));
  out.append_body(out.ctx, llmgw_str{sb.GetString(), sb.GetSize()});
  return LLMGW_OK;
}

llmgw_status decode_embeddings(const Config&, const llmgw_call& call, const llmgw_upstream_response& r,
                               const llmgw_result_out& out) {
  rapidjson::Document doc;
  const plugin_util::JsonParse p = plugin_util::parse_bounded(doc, view(r.body));
  if (p != plugin_util::JsonParse::kOk || !doc.IsObject())
    return report_error(out, bad_response_error(p == plugin_util::JsonParse::kTooDeep ? "upstream returned a body nested deeper than 128 levels"
                                                                                      : "upstream returned a body that is not a JSON object"));
  // embedding_types ["float"] answers {"float": [[...]]}; an answer without types is [[...]].
  const Value* embeddings = member(doc, "embeddings");
  if (embeddings && embeddings->IsObject()) embeddings = member(*embeddings, "float");
  if (!embeddings || !embeddings->IsArray() || embeddings->Empty())
    return report_error(out, bad_response_error("upstream embeddings answer has no float embeddings"));
  const plugin_util::EmbeddingsShape shape = plugin_util::embeddings_shape(view(call.body));
  plugin_util::EmbeddingListWriter list(shape.base64);
  for (const Value& e : embeddings->GetArray())
    if (!list.add(e)) return report_error(out, bad_response_error("upstream embedding is not an array of numbers"));
  const int64_t tokens = token_count(member(get(get(doc, "meta"), "billed_units"), "input_tokens"));
  if (list.count() != shape.inputs)
    return report_error(out, bad_response_error(plugin_util::embeddings_count_mismatch(list.count(), shape.inputs)));
  return plugin_util::answer_embeddings(out, list, view(call.model), tokens);
}

}  // namespace llmgw::provider_cohere
