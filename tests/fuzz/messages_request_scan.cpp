// libFuzzer target (and the differential check of the scan's fast path against its reference,
// scan_paths_agree.hpp): the Anthropic Messages front-end's view of a client body —
// scan_messages_request (with and without max_tokens required), the client's fallback fields
// (take_body_routing_fields, then the second scan) and rewrite_model.
// Checks: every refusal is a 400; an accepted body's model span lies inside it; a body with its
// model rewritten scans again with the new model and the same facts.
#include "fuzz_util.hpp"
#include "frontends/anthropic_messages/messages_request_scan.hpp"
#include "frontends/routing_fields.hpp"
#include "policy/budget_estimate.hpp"
#include "scan_paths_agree.hpp"

#include <cstdio>
#include <string>

namespace fe = llmgw::frontends;
namespace an = llmgw::frontends::anthropic;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const an::ScanOptions options{(data[0] & 1) != 0};
  std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);

  an::MessagesRequestInfo info;
  if (auto error = fuzz::scan_both_paths(info, [&](an::MessagesRequestInfo& i) { return an::scan_messages_request(body, i, options); })) {
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
    if (auto error = an::scan_messages_request(scanned, info, options)) {
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
  if (options.require_max_tokens) FUZZ_REQUIRE(info.max_tokens >= 1);

  const std::string model = "fuzz\"model\\\n";
  const std::string rewritten = an::rewrite_model(scanned, info, model);
  an::MessagesRequestInfo again;
  FUZZ_REQUIRE(!an::scan_messages_request(rewritten, again, options));
  FUZZ_REQUIRE(again.model == model);
  FUZZ_REQUIRE(again.stream == info.stream && again.max_tokens == info.max_tokens);
  FUZZ_REQUIRE(again.message_count == info.message_count);
  return 0;
}
