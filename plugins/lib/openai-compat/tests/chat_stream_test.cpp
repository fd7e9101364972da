#include <openai_compat/chat_stream.hpp>

#include <catch2/catch.hpp>

using namespace llmgw::openai_compat;
using Step = ChatStreamWatch::Step;

TEST_CASE("chat stream watch: usage, finish and [DONE]", "[stream]") {
  ChatStreamWatch w;
  CHECK(w.feed("data: {\"choices\":[{\"delta\":{\"content\":\"a\"},\"finish_reason\":null}],\"usage\":null}\n\n") == Step::kMore);
  llmgw_usage u;
  CHECK_FALSE(w.take_usage(u));
  CHECK(w.feed("data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n") == Step::kMore);
  CHECK(w.finish_seen());
  CHECK(w.feed("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}\n\ndata: [DONE]\n\n") ==
        Step::kDone);
  REQUIRE(w.take_usage(u));
  CHECK(u.prompt_tokens == 3);
  CHECK(u.completion_tokens == 4);
  CHECK_FALSE(w.take_usage(u));
  CHECK(w.feed("data: {\"error\":{}}\n\n") == Step::kDone);  // final: later bytes are not looked at
  CHECK(w.close() == Step::kDone);
}

TEST_CASE("chat stream watch: error event", "[stream]") {
  ChatStreamWatch w;
  CHECK(w.feed("data: {\"error\":{\"message\":\"Rate limit reached\",\"type\":\"rate_limit_error\",\"code\":\"rate_limit_exceeded\"}}\n\n") ==
        Step::kError);
  CHECK(w.error().error_class == LLMGW_ERR_RATE_LIMITED);
  CHECK(w.error().status == 429);
  CHECK(w.error().message == "Rate limit reached");
  CHECK(w.close() == Step::kError);
}

TEST_CASE("chat stream watch: end of body", "[stream]") {
  ChatStreamWatch truncated;
  truncated.feed("data: {\"choices\":[{\"delta\":{\"content\":\"a\"},\"finish_reason\":null}]}\n\ndata: {\"cho");
  CHECK(truncated.close() == Step::kError);
  CHECK(truncated.error().error_class == LLMGW_ERR_BAD_RESPONSE);
  CHECK(truncated.error().status == 502);
  CHECK(truncated.error().message == "upstream stream ended before [DONE]");

  ChatStreamWatch finished;
  finished.feed("data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
  CHECK(finished.close() == Step::kDone);

  ChatStreamWatch unterminated_done;
  unterminated_done.feed("data: {\"choices\":[]}\n\ndata: [DONE]");
  CHECK(unterminated_done.close() == Step::kDone);

  ChatStreamWatch unterminated_usage;
  unterminated_usage.feed("data: {\"choices\":[{\"finish_reason\":\"stop\"}]}\n\ndata: {\"usage\":{\"prompt_tokens\":1}}\n");
  CHECK(unterminated_usage.close() == Step::kDone);
  llmgw_usage u;
  CHECK(unterminated_usage.take_usage(u));
  CHECK(u.prompt_tokens == 1);

  ChatStreamWatch empty;
  CHECK(empty.close() == Step::kError);
}

TEST_CASE("chat stream watch: non-JSON data is ignored", "[stream]") {
  ChatStreamWatch w;
  CHECK(w.feed("data: not json \"error\"\n\ndata: {\"usage\": oops}\n\n") == Step::kMore);
  llmgw_usage u;
  CHECK_FALSE(w.take_usage(u));
}

TEST_CASE("chat stream: a scanned event nested too deep is a refused BAD_RESPONSE", "[chat_stream][depth]") {
  ChatStreamWatch w;
  const std::string deep = "data: {\"usage\":" + std::string(100'000, '[') + std::string(100'000, ']') + "}\n\n";
  CHECK(w.feed(deep) == ChatStreamWatch::Step::kError);
  CHECK(w.refused());
  CHECK(w.error().error_class == LLMGW_ERR_BAD_RESPONSE);
  CHECK(w.error().status == 502);
  CHECK(w.error().code == "upstream_json_too_deep");
  // An event the watch has no reason to scan is relayed as it is (nothing here parses it).
  ChatStreamWatch relay;
  CHECK(relay.feed("data: " + std::string(100'000, '[') + "\n\n") == ChatStreamWatch::Step::kMore);
  CHECK_FALSE(relay.refused());
  // An upstream error event is an error, not a refusal.
  ChatStreamWatch upstream_error;
  CHECK(upstream_error.feed("data: {\"error\":{\"message\":\"x\"}}\n\n") == ChatStreamWatch::Step::kError);
  CHECK_FALSE(upstream_error.refused());
}
