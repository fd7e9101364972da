// Streams: every fixture fed whole, one byte at a time, split at every offset and cut at random
// must give the same translated chunks and reach the same usage and final status.
#include "harness.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace test;

namespace {

const std::string kPlain = R"({"messages":[{"role":"user","content":"hi"}],"stream":true})";
const std::string kWithUsage = R"({"messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}})";
const FeedWays kCuts{.split_stride = 1, .random_rounds = 50, .cuts_per_round = 6, .seed = 7};

/// What a client would assemble from translated chunks.
struct Assembled {
  std::string content, reasoning, finish_reason, role;
  std::map<int, std::string> arguments, ids, names;
  int usage_chunks = 0;
  std::string usage_json;
};

Assembled assemble(const StreamRun& run) {
  Assembled a;
  for (const std::string& chunk : run.chunks) {
    const auto d = parse(chunk);
    REQUIRE(d["object"] == "chat.completion.chunk");
    if (d["choices"].Empty()) {
      ++a.usage_chunks;
      a.usage_json = compact(chunk);
      continue;
    }
    const auto& c = d["choices"][0];
    const auto& delta = c["delta"];
    if (delta.HasMember("role")) a.role = delta["role"].GetString();
    if (delta.HasMember("content")) a.content += delta["content"].GetString();
    if (delta.HasMember("reasoning_content")) a.reasoning += delta["reasoning_content"].GetString();
    if (delta.HasMember("tool_calls")) {
      for (const auto& t : delta["tool_calls"].GetArray()) {
        const int i = t["index"].GetInt();
        if (t.HasMember("id")) a.ids[i] = t["id"].GetString();
        if (t["function"].HasMember("name")) a.names[i] = t["function"]["name"].GetString();
        a.arguments[i] += t["function"]["arguments"].GetString();
      }
    }
    if (c["finish_reason"].IsString()) a.finish_reason = c["finish_reason"].GetString();
  }
  return a;
}

StreamRun run(const std::string& request, const std::vector<std::string_view>& pieces) {
  Plugin p;
  REQUIRE(p.rc == LLMGW_OK);
  Call call(request, true);
  return run_stream(p, call.c, pieces);
}

}  // namespace

TEST_CASE("text stream with thoughts and usage, however the bytes are cut") {
  const std::string bytes = fixture("text.sse");
  std::vector<std::string> reference;
  feed_all_ways(bytes, [&](const std::vector<std::string_view>& pieces, const std::string& how) {
    INFO(how);
    const StreamRun r = run(kWithUsage, pieces);
    CHECK(r.final_status == LLMGW_DONE);
    CHECK_FALSE(r.final_from_close);
    CHECK_FALSE(r.error);
    const Assembled a = assemble(r);
    CHECK(a.role == "assistant");
    CHECK(a.content == "Hello! How can I help?");
    CHECK(a.reasoning == "Thinking about a greeting.");
    CHECK(a.finish_reason == "stop");
    CHECK(a.usage_chunks == 1);
    CHECK_THAT(a.usage_json, Catch::Contains(R"("usage":{"prompt_tokens":2006,"completion_tokens":135,"total_tokens":2141,)"
                                             R"("prompt_tokens_details":{"cached_tokens":1920},"completion_tokens_details":{"reasoning_tokens":128}})"));
    REQUIRE(r.usage);
    CHECK(r.usage->prompt_tokens == 2006);
    CHECK(r.usage->completion_tokens == 135);
    CHECK(r.usage->cached_tokens == 1920);
    CHECK(r.usage->reasoning_tokens == 128);
    if (reference.empty()) reference = r.chunks;
    else CHECK(r.chunks.size() == reference.size());
  }, kCuts);
}

TEST_CASE("no usage chunk unless include_usage; usage is reported anyway") {
  const StreamRun r = run(kPlain, {fixture("text.sse")});
  CHECK(assemble(r).usage_chunks == 0);
  REQUIRE(r.usage);
  CHECK(r.usage->prompt_tokens == 2006);
}

TEST_CASE("parallel function calls in a stream, ids as the whole response gives them") {
  Plugin p;
  Call whole(R"({"messages":[{"role":"user","content":"hi"}]})");
  const auto decoded = parse(p.decode(whole.c, 200, fixture("generate_tools.json")).body);
  const std::string id0 = decoded["choices"][0]["message"]["tool_calls"][0]["id"].GetString();
  const std::string id1 = decoded["choices"][0]["message"]["tool_calls"][1]["id"].GetString();
  feed_all_ways(fixture("tools.sse"), [&](const std::vector<std::string_view>& pieces, const std::string& how) {
    INFO(how);
    const StreamRun r = run(kPlain, pieces);
    CHECK(r.final_status == LLMGW_DONE);
    const Assembled a = assemble(r);
    CHECK(a.finish_reason == "tool_calls");
    REQUIRE(a.ids.size() == 2);
    CHECK(a.ids.at(0) == id0);
    CHECK(a.ids.at(1) == id1);
    CHECK(a.names.at(1) == "get_weather");
    CHECK(a.arguments.at(0) == R"({"location":"Paris"})");
    CHECK(a.arguments.at(1) == R"({"location":"London","unit":"celsius"})");
    CHECK(a.content.empty());
  }, kCuts);
}

TEST_CASE("an error event mid-stream is classified; earlier usage still counts") {
  feed_all_ways(fixture("error.sse"), [&](const std::vector<std::string_view>& pieces, const std::string& how) {
    INFO(how);
    const StreamRun r = run(kPlain, pieces);
    CHECK(r.final_status == LLMGW_ERROR);
    REQUIRE(r.error);
    CHECK(r.error_calls == 1);
    CHECK(r.error->cls == LLMGW_ERR_TRANSIENT);
    CHECK(r.error->status == 503);
    CHECK(assemble(r).content == "Once upon");
    REQUIRE(r.usage);
    CHECK(r.usage->prompt_tokens == 5);
  }, kCuts);
}

TEST_CASE("a stream closed before a finishReason is truncated (BAD_RESPONSE)") {
  feed_all_ways(fixture("truncated.sse"), [&](const std::vector<std::string_view>& pieces, const std::string& how) {
    INFO(how);
    const StreamRun r = run(kPlain, pieces);
    CHECK(r.final_status == LLMGW_ERROR);
    CHECK(r.final_from_close);
    REQUIRE(r.error);
    CHECK(r.error->cls == LLMGW_ERR_BAD_RESPONSE);
    CHECK(r.error->status == 502);
  }, kCuts);
}

TEST_CASE("SAFETY finishes content_filter (LF framing too)") {
  feed_all_ways(fixture("safety.sse"), [&](const std::vector<std::string_view>& pieces, const std::string& how) {
    INFO(how);
    const StreamRun r = run(kPlain, pieces);
    CHECK(r.final_status == LLMGW_DONE);
    CHECK(assemble(r).finish_reason == "content_filter");
  });
}

TEST_CASE("an event nested 100,000 levels deep, or not JSON, is BAD_RESPONSE, not a crash") {
  const std::string deep = "data: " + std::string(100000, '[') + std::string(100000, ']') + "\n\n";
  const StreamRun r = run(kPlain, {deep});
  CHECK(r.final_status == LLMGW_ERROR);
  REQUIRE(r.error);
  CHECK(r.error->cls == LLMGW_ERR_BAD_RESPONSE);
  const StreamRun j = run(kPlain, {"data: {oops\n\n"});
  CHECK(j.final_status == LLMGW_ERROR);
  CHECK(j.error->cls == LLMGW_ERR_BAD_RESPONSE);
}

TEST_CASE("bytes after DONE are ignored") {
  Plugin p;
  Call call(kPlain, true);
  StreamSession s(p, call.c);
  CHECK(s.feed(fixture("safety.sse")) == LLMGW_DONE);
  const std::size_t n = s.run.chunks.size();
  CHECK(s.feed("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"more\"}]}}]}\n\n") == LLMGW_DONE);
  CHECK(s.run.chunks.size() == n);
}
