// sink-otlp through its exported vtable over a FakeHost: batching, flush, http_post, failures.
#include <catch2/catch.hpp>

#include <llmgw/testing.hpp>

#include <string>

extern "C" const llmgw_plugin* llmgw_plugin_entry_v1(void);

namespace {

using llmgw::testing::SinkInstance;
using llmgw::testing::sink_vtable;

std::string event(const std::string& span) {
  return R"({"type":"request","schema_version":1,"time_unix_ms":1765000000412,"latency_ms":1.5,"operation":"chat",)"
         R"("alias":"a","status":200,"stream":false,"attempt_list":[],)"
         R"("trace":{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":")" + span + R"(","parent_span_id":null,"sampled":true}})";
}

}  // namespace

TEST_CASE("batches of batch_size go out at once; flush sends the rest") {
  SinkInstance sink(sink_vtable(llmgw_plugin_entry_v1()),
                    R"({"endpoint":"http://127.0.0.1:4318/v1/traces","batch_size":2,"headers":{"x-api-key":"k"}})");
  REQUIRE(sink.rc == LLMGW_OK);
  CHECK(sink.emit(event("00000000000000a1")) == LLMGW_OK);
  CHECK(sink.host.posts.empty());
  CHECK(sink.emit(event("00000000000000a2")) == LLMGW_OK);
  REQUIRE(sink.host.posts.size() == 1);
  const auto& post = sink.host.posts[0];
  CHECK(post.url == "http://127.0.0.1:4318/v1/traces");
  CHECK(post.timeout_ms == 5000);
  CHECK(post.headers.at(0) == std::make_pair(std::string("content-type"), std::string("application/json")));
  CHECK(post.headers.at(1) == std::make_pair(std::string("x-api-key"), std::string("k")));
  CHECK(post.body.find("00000000000000a1") != std::string::npos);
  CHECK(post.body.find("00000000000000a2") != std::string::npos);
  CHECK(sink.emit(event("00000000000000a3")) == LLMGW_OK);
  CHECK(sink.flush() == LLMGW_OK);
  REQUIRE(sink.host.posts.size() == 2);
  CHECK(sink.flush() == LLMGW_OK);  // nothing waiting: no post
  CHECK(sink.host.posts.size() == 2);
}

TEST_CASE("a failed export is reported (the core counts it) and logged once") {
  SinkInstance sink(sink_vtable(llmgw_plugin_entry_v1()), R"({"endpoint":"http://127.0.0.1:1/v1/traces","batch_size":1})",
                    [](llmgw::testing::FakeHost& h) {
                      h.http_post_impl = [](const auto&, std::string& response) {
                        response = "overloaded";
                        return 503;
                      };
                    });
  REQUIRE(sink.rc == LLMGW_OK);
  CHECK(sink.emit(event("00000000000000b1")) == LLMGW_ERROR);
  CHECK(sink.emit(event("00000000000000b2")) == LLMGW_ERROR);
  REQUIRE(sink.host.logs.size() == 1);
  CHECK(sink.host.logs[0].second.find("the collector answered 503: overloaded") != std::string::npos);
}

TEST_CASE("config errors name the field") {
  SinkInstance none(sink_vtable(llmgw_plugin_entry_v1()), "{}");
  CHECK(none.rc != LLMGW_OK);
  CHECK(none.error == "config.endpoint: required (the collector's OTLP/HTTP traces URL)");
  SinkInstance https(sink_vtable(llmgw_plugin_entry_v1()), R"({"endpoint":"https://x/v1/traces"})");
  CHECK(https.rc == LLMGW_OK);
  SinkInstance ftp(sink_vtable(llmgw_plugin_entry_v1()), R"({"endpoint":"ftp://x/v1/traces"})");
  CHECK(ftp.error.find("config.endpoint: expected http://") == 0);
  SinkInstance batch(sink_vtable(llmgw_plugin_entry_v1()), R"({"endpoint":"http://x/v1/traces","batch_size":0})");
  CHECK(batch.error == "config.batch_size: expected 1..10000");
}
