#include "embeddings.hpp"

#include "wire.hpp"

#include <llmgw/plugin.hpp>

#include <plugin_util/embeddings.hpp>

#include <string>
#include <vector>

namespace llmgw::provider_mistral {

using namespace plugin_util::json;
using plugin_util::Value;
using plugin_util::Writer;

llmgw_status encode_embeddings(const Config& cfg, const llmgw_call& call, const llmgw_request_out& out,
                               const llmgw_writer* error) {
  const std::string_view model = view(call.model);
  rapidjson::StringBuffer sb;
  const llmgw_status st = plugin_util::encode_embeddings_body(
      call, "Mistral", error, sb, [&](const plugin_util::EmbeddingsRequest& req, Writer& w) {
        if (req.dimensions > 0 && model.starts_with(kFixedDimensionModelPrefix))
          unsupported("dimensions is not supported by Mistral model '" + std::string(model) +
                      "' (fixed size; codestral-embed takes output_dimension)");
        w.StartObject();
        key_string(w, "model", model);
        w.Key("input");
        w.StartArray();
        for (const std::string_view t : req.texts) string(w, t);
        w.EndArray();
        if (req.dimensions > 0) {
          w.Key("output_dimension");
          w.Int64(req.dimensions);
        }
        w.EndObject();
      });
  if (st != LLMGW_OK) return st;
  out.set_method(out.ctx, str("POST"));
  out.set_url(out.ctx, str(cfg.embeddings_url));
  out.add_header(out.ctx, str("content-type"), str("application/json"));
  for (const Header& h : cfg.headers) out.add_header(out.ctx, str(h.name), str(h.value));
  out.append_body(out.ctx, llmgw_str{sb.GetString(), sb.GetSize()});
  return LLMGW_OK;
}

llmgw_status decode_embeddings(const llmgw_call& call, const Value& doc, const llmgw_result_out& out) {
  const Value* data = member(doc, "data");
  if (!data || !data->IsArray() || data->Empty())
    return report_error(out, bad_response_error("upstream embeddings answer has no data", "server_error"));
  // Each item where its index says (0..n-1, each once); Mistral sends them in order.
  std::vector<const Value*> by_index(data->Size(), nullptr);
  for (const Value& item : data->GetArray()) {
    const Value& index = get(item, "index");
    if (!index.IsUint64() || index.GetUint64() >= by_index.size() || by_index[index.GetUint64()])
      return report_error(out, bad_response_error("upstream embeddings answer has a missing or repeated index", "server_error"));
    by_index[index.GetUint64()] = &get(item, "embedding");
  }
  const plugin_util::EmbeddingsShape shape = plugin_util::embeddings_shape(view(call.body));
  plugin_util::EmbeddingListWriter list(shape.base64);
  for (const Value* e : by_index)
    if (!list.add(*e)) return report_error(out, bad_response_error("upstream embedding is not an array of numbers", "server_error"));
  std::string_view model = str_member(doc, "model");
  if (model.empty()) model = view(call.model);
  if (list.count() != shape.inputs)
    return report_error(out, bad_response_error(plugin_util::embeddings_count_mismatch(list.count(), shape.inputs), "server_error"));
  return plugin_util::answer_embeddings(out, list, model, token_count(member(get(doc, "usage"), "prompt_tokens")));
}

}  // namespace llmgw::provider_mistral
