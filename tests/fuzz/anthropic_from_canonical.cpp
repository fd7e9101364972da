// libFuzzer target: the Anthropic front-end's response translation, from_canonical_response,
// on whatever an upstream's canonical answer may hold.
// Checks: a body that is not a JSON object gives a 502 and an empty output; otherwise the output
// is one JSON object of type "message", role "assistant", with a content array and usage
// whose input_tokens is not negative.
#include "fuzz_util.hpp"
#include "json_check.hpp"
#include "frontends/anthropic_messages/from_canonical_response.hpp"

#include <string>

namespace an = llmgw::frontends::anthropic;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  std::string out = "stale";
  if (auto error = an::from_canonical_response(body, "client\"model", out)) {
    FUZZ_REQUIRE(error->status == 502);
    FUZZ_REQUIRE(out.empty());
    return 0;
  }
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(out.data(), out.size());
  FUZZ_REQUIRE(!doc.HasParseError() && doc.IsObject());
  using fuzz::member;
  FUZZ_REQUIRE(fuzz::is_string(member(doc, "type"), "message"));
  FUZZ_REQUIRE(fuzz::is_string(member(doc, "role"), "assistant"));
  FUZZ_REQUIRE(fuzz::is_string(member(doc, "model"), "client\"model"));
  const rapidjson::Value* content = member(doc, "content");
  FUZZ_REQUIRE(content && content->IsArray());
  const rapidjson::Value* usage = member(doc, "usage");
  FUZZ_REQUIRE(usage && usage->IsObject());
  const rapidjson::Value* input_tokens = member(*usage, "input_tokens");  // documented: >= 0
  FUZZ_REQUIRE(input_tokens && input_tokens->IsInt64() && input_tokens->GetInt64() >= 0);
  return 0;
}
