#include "vertex_embeddings.hpp"

#include "answer.hpp"
#include "encode.hpp"
#include "errors.hpp"
#include "json_util.hpp"
#include "post.hpp"
#include "wire.hpp"

#include <llmgw/plugin.hpp>

#include <plugin_util/embeddings.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

namespace llmgw::provider_gemini {

using namespace json;

std::size_t vertex_embed_limit(std::string_view model) noexcept {
  return model.starts_with(kVertexOneInstancePrefix) ? 1 : kVertexMaxEmbedInstances;
}

namespace {

/// A list longer than the model takes is refused (LLMGW_UNSUPPORTED: 400 unsupported_feature),
/// never cut short.
void refuse_over_limit(std::string_view model, std::size_t inputs) {
  const std::size_t limit = vertex_embed_limit(model);
  if (inputs <= limit) return;
  unsupported("Vertex AI embedding model " + std::string(model) + " takes " +
              (limit == 1 ? std::string("one input") : "at most " + std::to_string(limit) + " inputs") +
              " per request; this request has " + std::to_string(inputs) + " (send them in separate requests)");
}

}  // namespace

llmgw_status encode_vertex_embeddings(const Config& cfg, const llmgw_call& call, const llmgw_request_out& out,
                                      const llmgw_writer* error) {
  const std::string model = model_path_segment(view(call.model));
  if (model.empty()) {
    write(error, "the deployment names no Vertex AI embedding model");
    return LLMGW_BAD_ARGUMENT;
  }
  rapidjson::StringBuffer sb;
  const llmgw_status st = plugin_util::encode_embeddings_body(
      call, "Vertex AI", error, sb, [&](const plugin_util::EmbeddingsRequest& req, Writer& w) {
        refuse_over_limit(model, req.texts.size());
        w.StartObject();
        w.Key("instances");
        w.StartArray();
        for (const std::string_view text : req.texts) {
          w.StartObject();
          key_string(w, "content", text);
          w.EndObject();
        }
        w.EndArray();
        if (req.dimensions > 0) {
          w.Key("parameters");
          w.StartObject();
          w.Key("outputDimensionality");
          w.Int64(req.dimensions);
          w.EndObject();
        }
        w.EndObject();
      });
  if (st != LLMGW_OK) return st;
  post_to_model(cfg, cfg.models_url, model, kPredictSuffix, sb, out);
  return LLMGW_OK;
}

llmgw_status decode_vertex_embeddings(const Config& cfg, const llmgw_call& call, const llmgw_upstream_response& r,
                                      const llmgw_result_out& out) {
  rapidjson::Document doc;
  if (const std::optional<llmgw_status> refused = parse_answer(cfg, r, out, doc)) return *refused;
  const Value* predictions = member(doc, "predictions");
  if (!predictions || !predictions->IsArray() || predictions->Empty())
    return report_error(out, bad_response("upstream embeddings answer has no predictions"));
  const plugin_util::EmbeddingsShape shape = plugin_util::embeddings_shape(view(call.body));
  plugin_util::EmbeddingListWriter list(shape.base64);
  int64_t tokens = 0;
  for (const Value& p : predictions->GetArray()) {
    const Value& embeddings = get(p, "embeddings");
    if (!list.add(get(embeddings, "values")))
      return report_error(out, bad_response("upstream prediction has no embeddings.values array of numbers"));
    const int64_t n = token_count(member(get(embeddings, "statistics"), "token_count"));
    // Unknown (-1) once any count is missing, or when the sum would overflow.
    tokens = (n < 0 || tokens < 0 || n > std::numeric_limits<int64_t>::max() - tokens) ? -1 : tokens + n;
  }
  if (list.count() != shape.inputs)
    return report_error(out, bad_response(plugin_util::embeddings_count_mismatch(list.count(), shape.inputs)));
  return plugin_util::answer_embeddings(out, list, view(call.model), tokens);
}

}  // namespace llmgw::provider_gemini
