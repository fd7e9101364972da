// samples/provider-echo, built against the installed SDK, loaded and driven through the C ABI the
// way the core drives it (the "echo:" loopback: the upstream response is the request body).
#include <catch2/catch.hpp>

#include "observe/counters.hpp"
#include "loader/registry.hpp"

#include <rapidjson/document.h>

#include <string>
#include <vector>

using llmgw::observe::Counters;
using llmgw::loader::PluginError;
using llmgw::loader::Registry;
using Catch::Matchers::Contains;

namespace {

const char kRequest[] =
    R"({"model":"echo-1","stream":true,"stream_options":{"include_usage":true},"messages":[)"
    R"({"role":"system","content":"be brief"},{"role":"user","content":"first question"},)"
    R"({"role":"assistant","content":"ok"},)"
    R"({"role":"user","content":[{"type":"text","text":"hello"},{"type":"image_url","image_url":{"url":"x"}},)"
    R"({"type":"text","text":"big world"}]}]})";

// Everything the plugin wrote through the host's out-tables.
struct Captured {
  std::string method, url, body;
  bool call_body = false;
  std::vector<std::string> chunks;
  llmgw_usage usage{};
  std::string error;
};

std::string& s(void* ctx, std::string Captured::*member) { return static_cast<Captured*>(ctx)->*member; }
Captured& cap(void* ctx) { return *static_cast<Captured*>(ctx); }

llmgw_call make_call(llmgw_operation op = LLMGW_OP_CHAT) {
  llmgw_call call{};
  call.struct_size = sizeof(call);
  call.operation = op;
  call.body_dialect = LLMGW_DIALECT_OPENAI_CHAT;
  call.body = llmgw_str{kRequest, sizeof(kRequest) - 1};
  call.model = llmgw_str{"echo-1", 6};
  call.stream = 1;
  return call;
}

rapidjson::Document parse(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

}  // namespace

TEST_CASE("provider-echo: built against the installed SDK, loads and answers offline") {
  Counters counters;
  Registry registry(&counters);
  const auto& plugin = registry.load(LLMGW_ECHO_PLUGIN, "", {});
  CHECK(plugin.name() == "provider-echo");
  CHECK(plugin.names == std::vector<std::string>{"echo"});
  CHECK_THROWS_WITH(registry.create_provider("echo", R"({"extra":{"prefix":1}})", "echo#0"),
                    "plugin provider-echo: deployment echo#0: provider-echo: extra.prefix must be a string");
  auto echo = registry.create_provider("echo", R"({"provider":"echo","model":"echo-1","extra":{"prefix":"> "}})",
                                       "echo#0");
  REQUIRE(echo->has_stream());
  const llmgw_provider_vtable& vt = echo->vtable();
  Captured got;
  const llmgw_call call = make_call();

  // encode: the loopback URL and the canonical body unchanged.
  llmgw_request_out req{sizeof(llmgw_request_out), &got,
                        [](void* c, llmgw_str m) { s(c, &Captured::method).assign(m.ptr, m.len); },
                        [](void* c, llmgw_str u) { s(c, &Captured::url).assign(u.ptr, u.len); },
                        [](void*, llmgw_str, llmgw_str) {}, [](void*, llmgw_str) {},
                        [](void* c) { cap(c).call_body = true; }};
  REQUIRE(vt.encode_request(echo->instance(), &call, &req, nullptr) == LLMGW_OK);
  CHECK(got.method == "POST");
  CHECK(got.url == "echo:");
  CHECK(got.call_body);
  const llmgw_call embeddings = make_call(LLMGW_OP_EMBEDDINGS);
  std::string error;
  llmgw_writer error_writer{&error, [](void* c, llmgw_str b) { static_cast<std::string*>(c)->append(b.ptr, b.len); }};
  CHECK(vt.encode_request(echo->instance(), &embeddings, &req, &error_writer) == LLMGW_UNSUPPORTED);
  CHECK_THAT(error, Contains("chat completions only"));

  // decode: the loopback's response is the request body itself, status 200.
  llmgw_upstream_response response{sizeof(llmgw_upstream_response), 200, nullptr, 0, call.body};
  llmgw_result_out result{sizeof(llmgw_result_out), &got,
                          [](void* c, llmgw_str b) { s(c, &Captured::body).append(b.ptr, b.len); },
                          [](void*) {},
                          [](void* c, const llmgw_usage* u) { cap(c).usage = *u; },
                          [](void* c, const llmgw_error* e) { s(c, &Captured::error).assign(e->message.ptr, e->message.len); }};
  REQUIRE(vt.decode_response(echo->instance(), &call, &response, &result) == LLMGW_OK);
  auto completion = parse(got.body);
  CHECK(std::string(completion["object"].GetString()) == "chat.completion");
  CHECK(std::string(completion["model"].GetString()) == "echo-1");
  CHECK(std::string(completion["choices"][0]["message"]["content"].GetString()) == "> hello\nbig world");
  CHECK(std::string(completion["choices"][0]["finish_reason"].GetString()) == "stop");
  CHECK(completion["usage"]["prompt_tokens"].GetInt() == 8);  // be brief, first question, ok, hello big world
  CHECK(completion["usage"]["completion_tokens"].GetInt() == 4);  // > hello big world
  CHECK(got.usage.prompt_tokens == 8);
  CHECK(got.usage.completion_tokens == 4);

  llmgw_upstream_response garbage{sizeof(llmgw_upstream_response), 200, nullptr, 0, llmgw_str{"{", 1}};
  CHECK(vt.decode_response(echo->instance(), &call, &garbage, &result) == LLMGW_ERROR);
  CHECK_THAT(got.error, Contains("not a chat completion request"));

  // stream: the same body fed in pieces cut anywhere; the events come at close.
  got = Captured{};
  llmgw_event_out events{sizeof(llmgw_event_out), &got, [](void*, llmgw_str) {},
                         [](void* c, llmgw_str j) { cap(c).chunks.emplace_back(j.ptr, j.len); },
                         [](void* c, const llmgw_usage* u) { cap(c).usage = *u; },
                         [](void* c, const llmgw_error* e) { s(c, &Captured::error).assign(e->message.ptr, e->message.len); }};
  llmgw_stream* stream = nullptr;
  REQUIRE(vt.stream_open(echo->instance(), &call, &response, &stream) == LLMGW_OK);
  const std::string body(kRequest);
  for (std::size_t at = 0; at < body.size(); at += 37) {
    const std::string piece = body.substr(at, 37);
    CHECK(vt.stream_feed(stream, llmgw_str{piece.data(), piece.size()}, &events) == LLMGW_NEED_MORE);
  }
  CHECK(vt.stream_close(stream, &events) == LLMGW_DONE);
  vt.stream_destroy(stream);

  // role, then "> " "hello\n" "big " "world", then finish, then usage.
  REQUIRE(got.chunks.size() == 1 + 4 + 1 + 1);
  std::string text;
  for (std::size_t i = 0; i < got.chunks.size(); ++i) {
    auto chunk = parse(got.chunks[i]);
    CHECK(std::string(chunk["object"].GetString()) == "chat.completion.chunk");
    if (i + 1 == got.chunks.size()) {  // the usage chunk: include_usage was asked for
      CHECK(chunk["choices"].Size() == 0);
      CHECK(chunk["usage"]["completion_tokens"].GetInt() == 4);
      continue;
    }
    const auto& choice = chunk["choices"][0];
    if (i == 0) CHECK(std::string(choice["delta"]["role"].GetString()) == "assistant");
    if (choice["delta"].HasMember("content")) text += choice["delta"]["content"].GetString();
    CHECK(choice["finish_reason"].IsString() == (i + 2 == got.chunks.size()));
  }
  CHECK(text == "> hello\nbig world");
  CHECK(got.usage.prompt_tokens == 8);

  // Each reply counted through the host's counter table.
  uint64_t replies = 0;
  counters.for_each_counter([&](const llmgw::observe::CounterView& c) {
    if (c.plugin == "provider-echo" && c.name == "echo_replies") replies = c.value;
  });
  CHECK(replies == 2);
}
