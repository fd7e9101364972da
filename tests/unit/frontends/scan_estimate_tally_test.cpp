// The budget estimate the request scans tally as they walk (policy/estimate_tally through
// frontends/tallying_handler) is policy::estimate_request's, on both scan paths (the simdjson
// fast walk and the reference rapidjson parse), for every dialect with a budget: chat
// completions, messages (and count_tokens), embeddings. estimate_request is the reference.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "frontends/anthropic_messages/messages_request_scan.hpp"
#include "frontends/embeddings/embeddings_request_scan.hpp"
#include "frontends/fast_json_walk.hpp"
#include "frontends/openai_chat/chat_request_scan.hpp"
#include "policy/budget_estimate.hpp"

namespace fe = llmgw::frontends;
namespace fj = llmgw::frontends::fast_json;
using llmgw::policy::estimate_request;
using llmgw::policy::RequestEstimate;

namespace {

/// Restores the fast path however the test ends.
struct FastPath {
  explicit FastPath(bool on) { fj::set_enabled(on); }
  ~FastPath() { fj::set_enabled(true); }
};

template <class Info, class Scan>
void check_tally(const std::vector<std::string>& bodies, Scan&& scan) {
  for (const bool fast : {true, false}) {
    FastPath path(fast);
    for (const std::string& body : bodies) {
      Info info;
      INFO((fast ? "fast path: " : "reference path: ") << body);
      const auto error = scan(body, info);
      REQUIRE_FALSE(error);
      const RequestEstimate want = estimate_request(body), got = info.tally.estimate();
      CHECK(got.prompt_tokens == want.prompt_tokens);
      CHECK(got.max_output_tokens == want.max_output_tokens);
    }
  }
}

std::string long_text(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += static_cast<char>('a' + i % 26);
  return s;
}

}  // namespace

TEST_CASE("scan tally: chat completions bodies estimate as estimate_request does") {
  const std::vector<std::string> bodies{
      R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]})",
      R"({"model":"gpt-4o","messages":[{"role":"user","content":")" + long_text(3000) + R"("}],"max_tokens":100})",
      R"({"model":"m","messages":[{"role":"system","content":"esc \" \\ \/ \b \f \n \r \t \u00e9 \u20ac \ud83d\ude00"}],
         "max_completion_tokens":7,"max_tokens":9,"metadata":{"max_tokens":1,"k":"x"}})",
      R"({"max_tokens":-0,"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"a"}]}],
         "max_output_tokens":1.9e3,"max_completion_tokens":18446744073709551615})",
      R"({"model":"m","messages":[{"role":"user","content":"x","name":"n"}],"max_tokens":-5,"temperature":0.5,
         "stream":true,"stream_options":{"include_usage":true},"stop":null,"tools":[{"type":"function",
         "function":{"name":"f","description":"does f","parameters":{"type":"object","properties":{}}}}]})",
      R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":4294967296,"n":[1,-2,3.5,true,false,null]})",
      R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":null})",
      R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":"12"})",
  };
  check_tally<fe::ChatRequestInfo>(bodies, [](const std::string& b, fe::ChatRequestInfo& i) {
    return fe::scan_chat_request(b, i);
  });
}

TEST_CASE("scan tally: messages and count_tokens bodies estimate as estimate_request does") {
  namespace an = fe::anthropic;
  const std::vector<std::string> bodies{
      R"({"model":"claude","max_tokens":1024,"messages":[{"role":"user","content":"hello"}]})",
      R"({"model":"claude","max_tokens":64,"system":[{"type":"text","text":")" + long_text(2000) +
          R"(","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":[{"type":"text","text":"\u00e9\ud83d\ude00"}]}],
          "metadata":{"user_id":"u"},"max_output_tokens":12})",
      R"({"model":"claude","max_tokens":1,"messages":[{"role":"user","content":"x"}],"temperature":1,"stream":false})",
  };
  check_tally<an::MessagesRequestInfo>(bodies, [](const std::string& b, an::MessagesRequestInfo& i) {
    return an::scan_messages_request(b, i, an::ScanOptions{true});
  });
  const std::vector<std::string> counted{
      R"({"model":"claude","messages":[{"role":"user","content":"count me"}]})",
  };
  check_tally<an::MessagesRequestInfo>(counted, [](const std::string& b, an::MessagesRequestInfo& i) {
    return an::scan_messages_request(b, i, an::ScanOptions{false});
  });
}

TEST_CASE("scan tally: embeddings bodies estimate as estimate_request does") {
  namespace em = fe::embeddings;
  const std::vector<std::string> bodies{
      R"({"model":"text-embedding-3-small","input":"hello"})",
      R"({"model":"e","input":["a","bb",")" + long_text(1500) + R"("],"dimensions":256,"encoding_format":"float"})",
      R"({"model":"e","input":[1,2,3],"user":"me"})",
      R"({"model":"e","input":[[1,2],[3]],"max_tokens":3})",
  };
  check_tally<em::EmbeddingsRequestInfo>(bodies, [](const std::string& b, em::EmbeddingsRequestInfo& i) {
    return em::scan_embeddings_request(b, i);
  });
}

TEST_CASE("scan tally: each scan tallies from zero") {
  // The Info is reset for every handler the scan makes (a second scan of the same Info, or the
  // reference path after the fast path gave up, does not add to the first's tally).
  fe::ChatRequestInfo info;
  const std::string body = R"({"model":"m","messages":[{"role":"user","content":"abcd"}],"max_tokens":3})";
  REQUIRE_FALSE(fe::scan_chat_request(body, info));
  const RequestEstimate first = info.tally.estimate();
  REQUIRE_FALSE(fe::scan_chat_request(body, info));  // the same Info scanned again: not doubled
  CHECK(info.tally.estimate() == first);
  CHECK(first == estimate_request(body));
  CHECK(first.prompt_tokens == (1 + 4 + 4 + 3) / 4 + 3);  // "m", "user", "abcd": 9 bytes, 3 strings
  CHECK(first.max_output_tokens == 3);
}
