// libFuzzer target (and the differential check of the scan's fast path against its reference,
// scan_paths_agree.hpp): the OpenAI Chat Completions front-end's view of a client body —
// scan_chat_request, the client's fallback fields (take_body_routing_fields, then the second
// scan the front-end makes), rewrite_model, and the x-llmgw-fallbacks header parser.
// Checks: every refusal is a 400; an accepted body's model span lies inside it and holds the
// model as a JSON string; a body with its model rewritten scans again, with the new model.
#include "fuzz_util.hpp"
#include "frontends/openai_chat/chat_request_scan.hpp"
#include "frontends/routing_fields.hpp"
#include "policy/budget_estimate.hpp"
#include "scan_paths_agree.hpp"

#include <cstdio>
#include <string>

namespace fe = llmgw::frontends;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string body(reinterpret_cast<const char*>(data), size);

  fe::RoutingFields header_fields;
  fe::add_header_fallbacks(body, header_fields);

  fe::ChatRequestInfo info;
  if (auto error = fuzz::scan_both_paths(info, [&](fe::ChatRequestInfo& i) { return fe::scan_chat_request(body, i); })) {
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
    info = {};
    if (auto error = fe::scan_chat_request(scanned, info)) {
      FUZZ_REQUIRE(error->status == 400);
      return 0;
    }
    if (info.routing_fields) std::fprintf(stderr, "cleaned body: %s\n", scanned.c_str());
    FUZZ_REQUIRE(!info.routing_fields);
  }
  // The budget estimate the scan tallied is the reference's (policy::estimate_request).
  FUZZ_REQUIRE(info.tally.estimate() == llmgw::policy::estimate_request(scanned));
  FUZZ_REQUIRE(info.model_begin < info.model_end && info.model_end <= scanned.size());
  FUZZ_REQUIRE(scanned[info.model_begin] == '"' && scanned[info.model_end - 1] == '"');

  const std::string model = "fuzz\"model\\\n";
  const std::string rewritten = fe::rewrite_model(scanned, info, model);
  fe::ChatRequestInfo again;
  FUZZ_REQUIRE(!fe::scan_chat_request(rewritten, again));
  FUZZ_REQUIRE(again.model == model);
  FUZZ_REQUIRE(again.stream == info.stream && again.include_usage == info.include_usage);
  FUZZ_REQUIRE(again.message_count == info.message_count);
  return 0;
}
