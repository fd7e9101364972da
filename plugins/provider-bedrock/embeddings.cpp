#include "embeddings.hpp"

#include "encode.hpp"
#include "errors.hpp"
#include "sigv4.hpp"
#include "wire.hpp"

#include <plugin_util/bounded_json.hpp>
#include <plugin_util/embeddings.hpp>
#include <plugin_util/json_helpers.hpp>

#include <algorithm>
#include <charconv>
#include <string>

namespace llmgw::provider_bedrock {
namespace {

using namespace plugin_util::json;
using plugin_util::Value;
using plugin_util::Writer;

void titan_body(std::string_view id, const plugin_util::EmbeddingsRequest& req, Writer& w) {
  if (req.texts.size() != 1)
    unsupported("Amazon Titan embeddings take one input per request on Bedrock; this one has " +
                std::to_string(req.texts.size()) + " (send each text in its own request)");
  const bool v2 = id.find(kTitanEmbedV2Model) != std::string_view::npos;
  w.StartObject();
  key_string(w, "inputText", req.texts.front());
  if (req.dimensions > 0) {
    if (!v2) unsupported("dimensions is not supported by Bedrock model '" + std::string(id) + "' (Titan Text Embeddings V2 takes it)");
    if (std::find(std::begin(kTitanDimensions), std::end(kTitanDimensions), req.dimensions) == std::end(kTitanDimensions))
      bad("dimensions must be 256, 512 or 1024 for Amazon Titan Text Embeddings V2");
    w.Key("dimensions");
    w.Int64(req.dimensions);
  }
  if (v2) {
    w.Key("normalize");
    w.Bool(true);  // OpenAI's embeddings are unit length
  }
  w.EndObject();
}

void cohere_body(const Config& cfg, std::string_view id, const plugin_util::EmbeddingsRequest& req, Writer& w) {
  if (req.texts.size() > kCohereMaxTexts)
    unsupported("Cohere embed on Bedrock takes at most " + std::to_string(kCohereMaxTexts) + " inputs per request; this one has " +
                std::to_string(req.texts.size()));
  const bool v4 = id.find(kCohereEmbedV4Model) != std::string_view::npos;
  if (req.dimensions > 0 && !v4)
    unsupported("dimensions is not supported by Bedrock model '" + std::string(id) + "' (only Cohere embed-v4 takes output_dimension)");
  w.StartObject();
  w.Key("texts");
  w.StartArray();
  for (const std::string_view t : req.texts) string(w, t);
  w.EndArray();
  key_string(w, "input_type", cfg.embed_input_type);
  w.Key("embedding_types");
  w.StartArray();
  string(w, "float");
  w.EndArray();
  if (req.dimensions > 0) {
    w.Key("output_dimension");
    w.Int64(req.dimensions);
  }
  w.EndObject();
}

int64_t header_count(const llmgw_upstream_response& r) {
  const std::string_view v = find_header(r.headers, r.header_count, kInputTokenCountHeader);
  int64_t n = -1;
  if (v.empty() || std::from_chars(v.data(), v.data() + v.size(), n).ec != std::errc() || n < 0) return -1;
  return n;
}

}  // namespace

llmgw_status encode_embeddings(const Config& cfg, const Host& host, const llmgw_call& call, const llmgw_request_out& out,
                               const llmgw_writer* error) {
  const std::string_view id = model_id(view(call.model));
  const bool titan = id.find(kTitanEmbedModel) != std::string_view::npos;
  const bool cohere = id.find(kCohereEmbedModel) != std::string_view::npos;
  if (!titan && !cohere) {
    write(error, "embeddings are not supported by Bedrock model '" + std::string(id) +
                     "': provider-bedrock embeds with Amazon Titan (amazon.titan-embed-*) and Cohere (cohere.embed-*) models");
    return LLMGW_UNSUPPORTED;
  }
  rapidjson::StringBuffer sb;
  const llmgw_status st = plugin_util::encode_embeddings_body(
      call, "Bedrock", error, sb, [&](const plugin_util::EmbeddingsRequest& req, Writer& w) {
        if (titan) titan_body(id, req, w);
        else cohere_body(cfg, id, req, w);
      });
  if (st != LLMGW_OK) return st;
  std::string path = cfg.base_path;
  path.append(kModelPath).append(sigv4::uri_encode(id, false)).append(kInvokePath);
  send_signed(cfg, host, path, kJson, std::string_view(sb.GetString(), sb.GetSize()), out);
  return LLMGW_OK;
}

llmgw_status decode_embeddings(const Config& cfg, const llmgw_call& call, const llmgw_upstream_response& r,
                               const llmgw_result_out& out) {
  rapidjson::Document doc;
  const plugin_util::JsonParse p = plugin_util::parse_bounded(doc, view(r.body));
  if (p != plugin_util::JsonParse::kOk || !doc.IsObject())
    return report_error(out, bad_response(p == plugin_util::JsonParse::kTooDeep ? "upstream returned a body nested deeper than 128 levels"
                                                                                : "upstream returned a body that is not a JSON object"));
  const plugin_util::EmbeddingsShape shape = plugin_util::embeddings_shape(view(call.body));
  plugin_util::EmbeddingListWriter list(shape.base64);
  int64_t tokens = header_count(r);
  if (const Value* e = member(doc, "embedding")) {  // Titan
    if (!list.add(*e)) return report_error(out, bad_response("upstream embedding is not an array of numbers"));
    if (tokens < 0) tokens = token_count(member(doc, "inputTextTokenCount"));
  } else {  // Cohere: {"float": [[...]]} with embedding_types, [[...]] without
    const Value* embeddings = member(doc, "embeddings");
    if (embeddings && embeddings->IsObject()) embeddings = member(*embeddings, "float");
    if (!embeddings || !embeddings->IsArray() || embeddings->Empty()) {
      if (!str_member(doc, "message").empty())
        return report_error(out, error_from_exception(cfg, str_member(doc, "__type"), view(r.body)));
      return report_error(out, bad_response("upstream embeddings answer has no embeddings"));
    }
    for (const Value& v : embeddings->GetArray())
      if (!list.add(v)) return report_error(out, bad_response("upstream embedding is not an array of numbers"));
  }
  if (list.count() != shape.inputs)
    return report_error(out, bad_response(plugin_util::embeddings_count_mismatch(list.count(), shape.inputs)));
  return plugin_util::answer_embeddings(out, list, model_id(view(call.model)), tokens);
}

}  // namespace llmgw::provider_bedrock
