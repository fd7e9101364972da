#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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

namespace {

/// The estimate as it was before its single pass: three scans, one per name.
std::int64_t three_scans(std::string_view body) {
  const auto largest_after = [&](std::string_view quoted_name) {
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    std::int64_t best = 0;
    for (std::size_t at = body.find(quoted_name); at != std::string_view::npos; at = body.find(quoted_name, at + 1)) {
      std::size_t i = at + quoted_name.size();
      while (i < body.size() && space(body[i])) ++i;
      if (i >= body.size() || body[i] != ':') continue;
      ++i;
      while (i < body.size() && space(body[i])) ++i;
      std::int64_t v = 0;
      int digits = 0;
      while (i < body.size() && body[i] >= '0' && body[i] <= '9' && digits < 10) v = v * 10 + (body[i++] - '0'), ++digits;
      if (digits > 0) best = std::max(best, v);
    }
    return best;
  };
  return std::max({largest_after("\"max_tokens\""), largest_after("\"max_completion_tokens\""),
                   largest_after("\"max_output_tokens\"")});
}

}  // namespace

TEST_CASE("token estimate: one pass finds what the three scans found") {
  const std::vector<std::string> bodies{
      R"({"max_tokens":5,"max_completion_tokens":9,"max_output_tokens":7})",
      R"({"max_output_tokens" :	 12, "x_tokens": 99, "amax_tokens": 98, "max_tokens_":97})",
      R"({"metadata":{"max_tokens":300},"max_tokens":4})",
      R"({"max_completion_tokens":"12","max_tokens":})",
      R"({"content":"say \"max_tokens\": 55 and _tokens\" here","max_tokens":1})",
      R"("max_tokens")",
      R"(_tokens"_tokens"max_tokens":8)",
      R"({"max_tokens":1,"max_tokens":2000,"max_tokens":3})",
      R"({"max_output_tokens":12345678901234})",
      "",
      "\"max",
      R"({"max_completion_tokens")",
  };
  for (const std::string& b : bodies) {
    INFO(b);
    CHECK(requested_output_tokens(b) == three_scans(b));
  }
  // Every cut of a body that names all three: the same at each length.
  const std::string full = R"({"model":"m","max_completion_tokens": 2048,"messages":[{"role":"user","content":"hi _tokens\""}],"max_output_tokens":77,"max_tokens":64})";
  for (std::size_t n = 0; n <= full.size(); ++n) {
    INFO(full.substr(0, n));
    CHECK(requested_output_tokens(full.substr(0, n)) == three_scans(full.substr(0, n)));
  }
}
