#include <catch2/catch.hpp>

#include <string>

#include "limits/token_estimate.hpp"

using namespace llmgw::limits;

TEST_CASE("token estimate: body bytes / 4 rounded up, plus the largest output bound") {
  const std::string body = R"({"model":"m","max_tokens": 64,"messages":[]})";
  CHECK(requested_output_tokens(body) == 64);
  CHECK(estimate_tokens(body) == static_cast<int64_t>((body.size() + 3) / 4) + 64);
  CHECK(requested_output_tokens("{\"max_completion_tokens\":\n 2000, \"max_tokens\":10}") == 2000);
  CHECK(requested_output_tokens(R"({"max_output_tokens":7})") == 7);
  CHECK(requested_output_tokens(R"({"model":"m"})") == 0);
  CHECK(estimate_tokens("") == 0);
}

TEST_CASE("token estimate: bounded on hostile bodies") {
  CHECK(requested_output_tokens(R"({"max_tokens":99999999999999999999999})") == 9'999'999'999);
  CHECK(requested_output_tokens(R"({"max_tokens":-5})") == 0);
  CHECK(requested_output_tokens(R"("max_tokens")") == 0);
  CHECK(requested_output_tokens(R"("max_tokens":)") == 0);
  CHECK(requested_output_tokens(R"("max_tokens" : "12")") == 0);
}
