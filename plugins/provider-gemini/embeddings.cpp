#include "embeddings.hpp"

#include "answer.hpp"
#include "encode.hpp"
#include "errors.hpp"
#include "json_util.hpp"
#include "post.hpp"
#include "wire.hpp"

#include <llmgw/plugin.hpp>

#include <plugin_util/embeddings.hpp>

#include <optional>
#include <string>

namespace llmgw::provider_gemini {

using namespace json;

llmgw_status encode_embeddings(const Config& cfg, const llmgw_call& call, const llmgw_request_out& out,
                               const llmgw_writer* error) {
  const std::string model = model_path_segment(view(call.model));
  if (model.empty()) {
    write(error, "the deployment names no Gemini model");
    return LLMGW_BAD_ARGUMENT;
  }
  rapidjson::StringBuffer sb;
  const llmgw_status st = plugin_util::encode_embeddings_body(
      call, "Gemini", error, sb, [&](const plugin_util::EmbeddingsRequest& req, Writer& w) {
        const std::string model_name = "models/" + model;
        w.StartObject();
        w.Key("requests");
        w.StartArray();
        for (const std::string_view text : req.texts) {
          w.StartObject();
          key_string(w, "model", model_name);
          w.Key("content");
          w.StartObject();
          w.Key("parts");
          w.StartArray();
          w.StartObject();
          key_string(w, "text", text);
          w.EndObject();
          w.EndArray();
          w.EndObject();
          if (req.dimensions > 0) {
            w.Key("outputDimensionality");
            w.Int64(req.dimensions);
          }
          w.EndObject();
        }
        w.EndArray();
        w.EndObject();
      });
  if (st != LLMGW_OK) return st;
  post_to_model(cfg, cfg.models_url, model, kBatchEmbedSuffix, sb, out);
  return LLMGW_OK;
}

llmgw_status decode_embeddings(const Config& cfg, const llmgw_call& call, const llmgw_upstream_response& r,
                               const llmgw_result_out& out) {
  rapidjson::Document doc;
  if (const std::optional<llmgw_status> refused = parse_answer(cfg, r, out, doc)) return *refused;
  const Value* embeddings = member(doc, "embeddings");
  if (!embeddings || !embeddings->IsArray() || embeddings->Empty())
    return report_error(out, bad_response("upstream embeddings answer has no embeddings"));
  const plugin_util::EmbeddingsShape shape = plugin_util::embeddings_shape(view(call.body));
  plugin_util::EmbeddingListWriter list(shape.base64);
  for (const Value& e : embeddings->GetArray())
    if (!list.add(get(e, "values")))
      return report_error(out, bad_response("upstream embedding has no values array of numbers"));
  const int64_t tokens = token_count(member(get(doc, "usageMetadata"), "promptTokenCount"));
  if (list.count() != shape.inputs)
    return report_error(out, bad_response(plugin_util::embeddings_count_mismatch(list.count(), shape.inputs)));
  return plugin_util::answer_embeddings(out, list, view(call.model), tokens);
}

}  // namespace llmgw::provider_gemini
