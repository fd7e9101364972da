// libFuzzer target: the Anthropic front-end's request translation, to_canonical_request, on
// bodies that scan_messages_request accepted (its precondition, as on the real path).
// Checks: a refusal is a 400 with an empty output; otherwise the output is one JSON object
// carrying the upstream model and a messages array.
#include "fuzz_util.hpp"
#include "json_check.hpp"
#include "frontends/anthropic_messages/messages_request_scan.hpp"
#include "frontends/anthropic_messages/to_canonical_request.hpp"

#include <string>

namespace an = llmgw::frontends::anthropic;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  an::MessagesRequestInfo info;
  if (an::scan_messages_request(body, info)) return 0;
  if (info.routing_fields) return 0;  // cut out by the front-end first (messages_request_scan)

  std::string out = "stale";
  if (auto error = an::to_canonical_request(body, "up\"model", out)) {
    FUZZ_REQUIRE(error->status == 400);
    FUZZ_REQUIRE(out.empty());
    return 0;
  }
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(out.data(), out.size());
  FUZZ_REQUIRE(!doc.HasParseError() && doc.IsObject());
  FUZZ_REQUIRE(fuzz::is_string(fuzz::member(doc, "model"), "up\"model"));
  const rapidjson::Value* messages = fuzz::member(doc, "messages");
  FUZZ_REQUIRE(messages && messages->IsArray());
  return 0;
}
