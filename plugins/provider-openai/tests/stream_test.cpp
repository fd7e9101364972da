// Streams: every fixture fed whole, one byte at a time and cut at every offset must forward
// the same bytes (one emit_raw per feed) and reach the same usage and final status.
#include "harness.hpp"

#include <catch2/catch.hpp>

using namespace test;

namespace {

const std::string kKey = "sk-stream-LeakCanary-9988";
const std::string kConfig = R"({"provider":"openai","model":"gpt-4o","api_key":")" + kKey + R"("})";

struct Expect {
  const char* file;
  llmgw_status status;
  bool from_close;
  llmgw_usage usage;  // struct_size 0: no usage expected
  llmgw_error_class error_class;
  int error_status;
  const char* error_message;
};

llmgw_usage u(int64_t p, int64_t c, int64_t cached, int64_t reasoning) {
  return llmgw_usage{sizeof(llmgw_usage), p, c, cached, -1, reasoning};
}

const Expect kFixtures[] = {
    {"openai_usage.sse", LLMGW_DONE, false, u(1200, 8, 1024, 0), {}, 0, nullptr},
    {"tools_crlf.sse", LLMGW_DONE, false, {}, {}, 0, nullptr},
    {"azure_no_done.sse", LLMGW_DONE, true, u(19, 2, 0, 0), {}, 0, nullptr},
    {"groq_x_groq.sse", LLMGW_DONE, false, u(41, 2, -1, -1), {}, 0, nullptr},
    {"large_event.sse", LLMGW_DONE, false, u(3, 65536, -1, -1), {}, 0, nullptr},
    {"midstream_error.sse", LLMGW_ERROR, false, {}, LLMGW_ERR_TRANSIENT, 500,
     "The server had an error while processing your request. Sorry about that!"},
    {"openrouter_error.sse", LLMGW_ERROR, false, {}, LLMGW_ERR_TRANSIENT, 502, "Provider returned error"},
    {"truncated.sse", LLMGW_ERROR, true, {}, LLMGW_ERR_BAD_RESPONSE, 502, "upstream stream ended before [DONE]"},
};

void check_run(const Expect& x, const std::string& bytes, const StreamRun& run, bool pieces_may_end_early) {
  CHECK(run.final_status == x.status);
  CHECK(run.final_from_close == x.from_close);
  CHECK(run.chunk_calls == 0);
  // Forwarded unchanged, one emit_raw per non-empty feed, nothing held back.
  CHECK(run.raw_calls == run.nonempty_feeds);
  if (pieces_may_end_early) {
    CHECK(bytes.compare(0, run.raw.size(), run.raw) == 0);
  } else {
    CHECK(run.raw == bytes);
  }
  if (x.usage.struct_size) {
    REQUIRE(run.usage);
    CHECK(run.usage->prompt_tokens == x.usage.prompt_tokens);
    CHECK(run.usage->completion_tokens == x.usage.completion_tokens);
    CHECK(run.usage->cached_tokens == x.usage.cached_tokens);
    CHECK(run.usage->cache_creation_tokens == x.usage.cache_creation_tokens);
    CHECK(run.usage->reasoning_tokens == x.usage.reasoning_tokens);
  } else {
    CHECK_FALSE(run.usage);
  }
  if (x.status == LLMGW_ERROR) {
    REQUIRE(run.error);
    CHECK(run.error_calls == 1);
    CHECK(run.error->cls == x.error_class);
    CHECK(run.error->status == x.error_status);
    CHECK(run.error->message == x.error_message);
  } else {
    CHECK_FALSE(run.error);
  }
}

}  // namespace

TEST_CASE("stream fixtures: whole, byte by byte, split at every offset", "[stream]") {
  Plugin p(kConfig);
  REQUIRE(p.rc == LLMGW_OK);
  for (const Expect& x : kFixtures) {
    const std::string bytes = fixture(x.file);
    INFO(x.file);
    const FeedWays ways{.split_stride = bytes.size() > 10000 ? 61u : 1u, .random_rounds = 200, .cuts_per_round = 5, .seed = 7};
    feed_all_ways(bytes, [&](const std::vector<std::string_view>& pieces, const std::string& how) {
      INFO(how);
      const StreamRun run = run_stream(p, pieces);
      check_run(x, bytes, run, false);
      if (how == "whole") CHECK(run.usage_calls == (x.usage.struct_size ? 1 : 0));
    }, ways);
  }
}

TEST_CASE("after [DONE], later bytes are neither forwarded nor looked at", "[stream]") {
  Plugin p(kConfig);
  StreamSession s(p);
  CHECK(s.feed("data: {\"choices\":[]}\n\ndata: [DONE]\n\ndata: {\"error\":{\"message\":\"late\"}}\n\n") == LLMGW_DONE);
  CHECK(s.run.raw_calls == 1);  // the whole feed was forwarded, once
  CHECK(s.feed("data: {\"error\":{\"message\":\"later\"}}\n\n") == LLMGW_DONE);
  CHECK(s.run.raw_calls == 1);
  CHECK(s.close() == LLMGW_DONE);
  CHECK_FALSE(s.run.error);
}

TEST_CASE("an error is reported again if the core keeps calling", "[stream]") {
  Plugin p(kConfig);
  StreamSession s(p);
  CHECK(s.feed("data: {\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}\n\n") == LLMGW_ERROR);
  CHECK(s.feed("data: more\n\n") == LLMGW_ERROR);
  CHECK(s.close() == LLMGW_ERROR);
  CHECK(s.run.raw_calls == 1);
  CHECK(s.run.error_calls == 3);
  CHECK(s.run.error->message == "boom");
}

TEST_CASE("an unterminated final [DONE] still completes the stream", "[stream]") {
  Plugin p(kConfig);
  const StreamRun run = run_stream(p, {"data: {\"choices\":[{\"delta\":{\"content\":\"x\"},\"finish_reason\":null}]}\n\n", "data: [DONE]"});
  CHECK(run.final_status == LLMGW_DONE);
  CHECK(run.final_from_close);
}

TEST_CASE("empty feeds forward nothing", "[stream]") {
  Plugin p(kConfig);
  StreamSession s(p);
  CHECK(s.feed("") == LLMGW_NEED_MORE);
  CHECK(s.run.raw_calls == 0);
}

TEST_CASE("mid-stream errors are classified and scrubbed of secrets", "[stream][secrets]") {
  Plugin p(kConfig);
  const StreamRun quota = run_stream(p, {"data: {\"error\":{\"message\":\"You exceeded your current quota\",\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}\n\n"});
  REQUIRE(quota.error);
  CHECK(quota.error->cls == LLMGW_ERR_RATE_LIMITED);
  CHECK(quota.error->status == 429);
  CHECK(quota.error->retry_after_ms == -1);
  const StreamRun ctx = run_stream(p, {"data: {\"error\":{\"message\":\"too long\",\"code\":\"context_length_exceeded\"}}\n\n"});
  REQUIRE(ctx.error);
  CHECK(ctx.error->cls == LLMGW_ERR_CONTEXT_WINDOW);
  const StreamRun vllm = run_stream(p, {"data: {\"object\":\"error\",\"message\":\"bad\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}\n\n"});
  REQUIRE(vllm.error);
  CHECK(vllm.error->cls == LLMGW_ERR_INVALID_REQUEST);
  CHECK(vllm.error->status == 400);
  const StreamRun leak = run_stream(p, {"data: {\"error\":{\"message\":\"key " + kKey + " was rejected\",\"type\":\"" + kKey + "\"}}\n\n"});
  REQUIRE(leak.error);
  CHECK(leak.error->message == "key [REDACTED] was rejected");
  CHECK(leak.error->type.find(kKey) == std::string::npos);
  // The raw bytes were already forwarded: that is the upstream's own event, not our message.
  CHECK(leak.raw.find(kKey) != std::string::npos);
}

TEST_CASE("concurrent streams on one instance are independent", "[stream]") {
  Plugin p(kConfig);
  StreamSession a(p), b(p);
  CHECK(a.feed("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}\n\ndata: [DO") == LLMGW_NEED_MORE);
  CHECK(b.feed("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":2}}\n\n") == LLMGW_NEED_MORE);
  CHECK(a.feed("NE]\n\n") == LLMGW_DONE);
  CHECK(b.close() == LLMGW_ERROR);
  CHECK(a.run.usage->prompt_tokens == 1);
  CHECK(b.run.usage->prompt_tokens == 2);
}

TEST_CASE("a scanned event nested too deep is not forwarded: the error is", "[stream][depth]") {
  Plugin p(kConfig);
  StreamSession s(p);
  const std::string deep = "data: {\"usage\":" + std::string(100'000, '[') + std::string(100'000, ']') + "}\n\n";
  CHECK(s.feed(deep) == LLMGW_ERROR);
  CHECK(s.run.raw_calls == 0);
  REQUIRE(s.run.error);
  CHECK(s.run.error->cls == LLMGW_ERR_BAD_RESPONSE);
  CHECK(s.run.error->status == 502);
  CHECK(s.run.error->code == "upstream_json_too_deep");
  CHECK(s.feed("data: [DONE]\n\n") == LLMGW_ERROR);
  CHECK(s.run.raw_calls == 0);
}
