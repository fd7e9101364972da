// libFuzzer target (and the differential check of the scan's fast path against its reference,
// scan_paths_agree.hpp): the embeddings front-end's scan (scan_embeddings_request) and its fallback
// fields, checked against a DOM of the same bytes (RapidJSON, bounded): every refusal is a 400;
// an accepted body parses as a JSON object whose "model" is the string the scan found, at the
// span it found, and whose "input" holds as many entries as the scan counted; a body with its
// model rewritten scans again with the new model.
#include "fuzz_util.hpp"
#include "frontends/embeddings/embeddings_request_scan.hpp"
#include "frontends/routing_fields.hpp"
#include "policy/budget_estimate.hpp"
#include "scan_paths_agree.hpp"
#include "util/json_span.hpp"

#include <llmgw/json_depth.hpp>

#include <rapidjson/document.h>

#include <string>

namespace fe = llmgw::frontends;
namespace emb = llmgw::frontends::embeddings;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string body(reinterpret_cast<const char*>(data), size);
  emb::EmbeddingsRequestInfo info;
  if (auto error = fuzz::scan_both_paths(info, [&](emb::EmbeddingsRequestInfo& i) { return emb::scan_embeddings_request(body, i); })) {
    FUZZ_REQUIRE(error->status == 400);
    return 0;
  }
  std::string scanned = body, cleaned;
  if (info.routing_fields) {
    std::string_view view = body;
    fe::RoutingFields fields;
    if (auto error = fe::take_body_routing_fields(view, cleaned, fields)) {
      FUZZ_REQUIRE(error->status == 400);
      return 0;
    }
    scanned.assign(view);
    if (auto error = emb::scan_embeddings_request(scanned, info)) {
      FUZZ_REQUIRE(error->status == 400);
      return 0;
    }
    FUZZ_REQUIRE(!info.routing_fields);
  }
  // The budget estimate the scan tallied is the reference's (policy::estimate_request).
  FUZZ_REQUIRE(info.tally.estimate() == llmgw::policy::estimate_request(scanned));
  FUZZ_REQUIRE(info.model_begin < info.model_end && info.model_end <= scanned.size());
  FUZZ_REQUIRE(scanned[info.model_begin] == '"' && scanned[info.model_end - 1] == '"');

  // The reference: a DOM of the accepted bytes agrees with what the scan found.
  rapidjson::Document doc;
  const llmgw::JsonResult parsed = llmgw::parse_bounded(doc, scanned);
  FUZZ_REQUIRE(parsed && doc.IsObject());
  const auto model = doc.FindMember("model");
  FUZZ_REQUIRE(model != doc.MemberEnd() && model->value.IsString());
  FUZZ_REQUIRE(std::string(model->value.GetString(), model->value.GetStringLength()) == info.model);
  const auto input = doc.FindMember("input");
  FUZZ_REQUIRE(input != doc.MemberEnd());
  if (input->value.IsArray()) {
    FUZZ_REQUIRE(input->value.Size() == info.input_count);
    FUZZ_REQUIRE(info.input_count >= 1 && info.input_count <= emb::kMaxInputs);
  } else {
    FUZZ_REQUIRE(input->value.IsString() && input->value.GetStringLength() > 0 && info.input_count == 1);
  }

  const std::string new_model = "fuzz\"model\\\n";
  const std::string rewritten = llmgw::util::replace_json_string_span(scanned, info.model_begin, info.model_end, new_model);
  emb::EmbeddingsRequestInfo again;
  FUZZ_REQUIRE(!emb::scan_embeddings_request(rewritten, again));
  FUZZ_REQUIRE(again.model == new_model && again.input_count == info.input_count);
  return 0;
}
