// The guarded Reply: whole answers, and streams in both dialects (raw SSE and canonical chunks)
// with the held-back text released in later events or in a copy before the end.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include "fake_guard.hpp"
#include "guard/guard_reply.hpp"

using namespace llmgw;

namespace {

class Recording final : public pipeline::Reply {
 public:
  std::string raw, errors;
  std::vector<std::string> chunks, json_bodies;
  int status = 0;
  bool committed_ = false, ended = false;
  void set_upstream_dialect(llmgw_dialect) override {}
  void error(const canonical::ApiError& e) override {
    status = e.status;
    errors += e.message;
  }
  void json(int s, std::string_view body) override {
    status = s;
    json_bodies.emplace_back(body);
  }
  void stream_raw(std::string_view bytes) override {
    committed_ = true;
    raw += bytes;
  }
  void stream_chunk(std::string_view c) override {
    committed_ = true;
    chunks.emplace_back(c);
  }
  void flush() override {}
  boost::asio::awaitable<bool> drain() override { co_return true; }
  void stream_error(const canonical::ApiError& e) override { errors += e.message; }
  void stream_end(bool) override { ended = true; }
  bool committed() const override { return committed_; }
  bool client_alive() const override { return true; }
  void add_header(std::string_view, std::string_view) override {}
};

struct Fixture {
  std::unique_ptr<guard::GuardChain> chain = fake::chain();
  Recording* client = nullptr;
  std::unique_ptr<guard::GuardReply> reply;
  explicit Fixture(llmgw_dialect dialect) {
    auto r = std::make_unique<Recording>();
    client = r.get();
    reply = std::make_unique<guard::GuardReply>(std::move(r), *chain, dialect, llmgw::config::RequestScope("m"), 64);
    reply->set_upstream_dialect(dialect);
  }
};

std::string openai_event(std::string_view content_json) {
  return R"(data: {"id":"x","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":)" +
         std::string(content_json) + R"(},"finish_reason":null}]})" + "\n\n";
}

/// The concatenated delta.content of the OpenAI SSE events in `raw`.
std::string openai_text(const std::string& raw) {
  std::string text;
  std::size_t at = 0;
  while ((at = raw.find("data: ", at)) != std::string::npos) {
    const std::size_t end = raw.find('\n', at);
    const std::string data = raw.substr(at + 6, end - at - 6);
    at = end;
    if (data == "[DONE]") continue;
    rapidjson::Document d;
    d.Parse(data.c_str());
    REQUIRE_FALSE(d.HasParseError());
    const auto& delta = d["choices"][0]["delta"];
    if (delta.HasMember("content") && delta["content"].IsString()) text += delta["content"].GetString();
  }
  return text;
}

}  // namespace

TEST_CASE("whole answers: redacted, or blocked with a 400", "[reply]") {
  Fixture f(LLMGW_DIALECT_OPENAI_CHAT);
  f.reply->json(200, R"({"choices":[{"index":0,"message":{"role":"assistant","content":"the secret is out"}}]})");
  REQUIRE(f.client->json_bodies.size() == 1);
  CHECK(f.client->json_bodies[0] == R"({"choices":[{"index":0,"message":{"role":"assistant","content":"the [S] is out"}}]})");
  Fixture b(LLMGW_DIALECT_ANTHROPIC_MESSAGES);
  b.reply->json(200, R"({"content":[{"type":"text","text":"forbidden"}]})");
  CHECK(b.client->status == 400);
  CHECK(b.client->json_bodies.empty());
}

TEST_CASE("whole answers on a translated route are checked in the upstream's (canonical) dialect", "[reply]") {
  // An Anthropic client on an OpenAI upstream: json() gets the canonical answer, which the
  // client's own Reply translates afterwards.
  Fixture f(LLMGW_DIALECT_ANTHROPIC_MESSAGES);
  f.reply->set_upstream_dialect(LLMGW_DIALECT_OPENAI_CHAT);
  f.reply->json(200, R"({"choices":[{"index":0,"message":{"role":"assistant","content":"a secret"}}]})");
  REQUIRE(f.client->json_bodies.size() == 1);
  CHECK(f.client->json_bodies[0] == R"({"choices":[{"index":0,"message":{"role":"assistant","content":"a [S]"}}]})");
}

TEST_CASE("OpenAI raw stream: a secret split across events at every offset is redacted", "[reply]") {
  const std::string text = "tell nobody the secret, ok";
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    Fixture f(LLMGW_DIALECT_OPENAI_CHAT);
    std::string a = text.substr(0, cut), b = text.substr(cut);
    f.reply->stream_raw(openai_event("\"" + a + "\""));
    f.reply->stream_raw(openai_event("\"" + b + "\""));
    f.reply->stream_raw("data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
    f.reply->stream_raw("data: [DONE]\n\n");
    f.reply->stream_end(false);
    INFO("cut " << cut << "\n" << f.client->raw);
    CHECK(openai_text(f.client->raw) == "tell nobody the [S], ok");
    CHECK(f.client->raw.find("secret") == std::string::npos);
    CHECK(f.client->raw.ends_with("data: [DONE]\n\n"));
  }
}

TEST_CASE("Anthropic raw stream: the held tail leaves before content_block_stop", "[reply]") {
  Fixture f(LLMGW_DIALECT_ANTHROPIC_MESSAGES);
  const std::string start = "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n";
  auto delta = [](std::string_view t) {
    return "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"" +
           std::string(t) + "\"}}\n\n";
  };
  const std::string stop = "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n";
  f.reply->stream_raw(start + delta("my sec"));
  f.reply->stream_raw(delta("ret word"));
  f.reply->stream_raw(stop);
  f.reply->stream_end(false);
  const std::string& out = f.client->raw;
  CHECK(out.find("secret") == std::string::npos);
  CHECK(out.find("sec\"") == std::string::npos);
  // The text deltas in order, then the stop.
  std::string text;
  std::size_t at = 0;
  while ((at = out.find("\"text\":\"", at)) != std::string::npos) {
    at += 8;
    text += out.substr(at, out.find('"', at) - at);
  }
  CHECK(text == "my [S] word");
  CHECK(out.rfind("content_block_stop") > out.rfind("text_delta"));
}

TEST_CASE("translated stream (canonical chunks) and a block that ends the stream", "[reply]") {
  Fixture f(LLMGW_DIALECT_OPENAI_CHAT);
  f.reply->stream_chunk(R"({"choices":[{"index":0,"delta":{"content":"a sec"}}]})");
  f.reply->stream_chunk(R"({"choices":[{"index":0,"delta":{"content":"ret!"}}]})");
  f.reply->stream_end(true);
  std::string all;
  for (const auto& c : f.client->chunks) all += c;
  CHECK(all.find("secret") == std::string::npos);
  CHECK(all.find("[S]") != std::string::npos);
  CHECK(f.client->ended);

  Fixture b(LLMGW_DIALECT_OPENAI_CHAT);
  b.reply->stream_raw(openai_event("\"hello there \""));
  b.reply->stream_raw(openai_event("\"forbid\""));
  b.reply->stream_raw(openai_event("\"den stuff\""));
  b.reply->stream_raw(openai_event("\"more\""));
  b.reply->stream_end(false);
  CHECK(b.client->errors.find("detector word") != std::string::npos);
  CHECK(b.client->raw.find("forbid") == std::string::npos);
  CHECK(b.client->raw.find("more") == std::string::npos);
}

TEST_CASE("raw streams: an event whose JSON is split over several data: lines is guarded too", "[reply]") {
  SECTION("OpenAI") {
    Fixture f(LLMGW_DIALECT_OPENAI_CHAT);
    f.reply->stream_raw("id: 7\ndata: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\ndata: \"choices\":[{\"index\":0,"
                        "\"delta\":{\"content\":\"the secret is\"},\r\ndata: \"finish_reason\":null}]}\n\n");
    f.reply->stream_raw("data: [DONE]\n\n");
    f.reply->stream_end(false);
    INFO(f.client->raw);
    CHECK(f.client->raw.find("secret") == std::string::npos);
    CHECK(openai_text(f.client->raw) == "the [S] is");
    CHECK(f.client->raw.starts_with("id: 7\ndata: {"));  // other lines kept, the data on one line
    CHECK(f.client->raw.find("\ndata: \"") == std::string::npos);
  }
  SECTION("an event with nothing to change goes out as it came") {
    Fixture f(LLMGW_DIALECT_OPENAI_CHAT);
    const std::string event = "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\r\ndata: \"delta\":{\"role\":\"assistant\"},"
                              "\"finish_reason\":null}]}\r\n\r\n";
    f.reply->stream_raw(event);
    f.reply->stream_raw("data: [DONE]\n\n");
    f.reply->stream_end(false);
    CHECK(f.client->raw == event + "data: [DONE]\n\n");
  }
  SECTION("Anthropic, with the event: line kept") {
    Fixture f(LLMGW_DIALECT_ANTHROPIC_MESSAGES);
    f.reply->stream_raw("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                        "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
    f.reply->stream_raw("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\ndata: "
                        "\"delta\":{\"type\":\"text_delta\",\"text\":\"a secret here\"}}\n\n");
    f.reply->stream_raw("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
    f.reply->stream_end(false);
    INFO(f.client->raw);
    CHECK(f.client->raw.find("secret") == std::string::npos);
    CHECK(f.client->raw.find("[S]") != std::string::npos);
    CHECK(f.client->raw.find("event: content_block_delta\ndata: {") != std::string::npos);
  }
}
