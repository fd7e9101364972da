// sink-request-log through its exported vtable, as the core drives it.
#include <catch2/catch.hpp>

#include <llmgw/testing.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

#include "request_log.hpp"

extern "C" const llmgw_plugin* llmgw_plugin_entry_v1(void);

namespace {

using llmgw::testing::SinkInstance;
using llmgw::testing::sink_vtable;

std::string temp_path() {
  return "/tmp/sink-request-log-test-" + std::to_string(::getpid()) + "-" + std::to_string(rand()) + ".jsonl";
}

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::string kEvent =
    R"({"type":"request","schema_version":1,"request_id":"req_1","key_alias":"ci","status":200,)"
    R"("tokens":{"input":3,"output":2,"cache_read":null,"cache_write":null,"reasoning":null},"request_body":"{\"secret\":1}"})";

}  // namespace

TEST_CASE("one line per event, request_body dropped unless include_bodies") {
  const std::string path = temp_path();
  {
    SinkInstance sink(sink_vtable(llmgw_plugin_entry_v1()), R"({"path":")" + path + R"("})");
    REQUIRE(sink.rc == LLMGW_OK);
    CHECK(sink.emit(kEvent) == LLMGW_OK);
    CHECK(sink.emit(kEvent) == LLMGW_OK);
    CHECK(sink.emit("{}", 99) == LLMGW_OK);  // an unknown event type is ignored
    CHECK(sink.flush() == LLMGW_OK);
    const std::string text = read_all(path);
    CHECK(std::count(text.begin(), text.end(), '\n') == 2);
    CHECK(text.find("\"request_id\":\"req_1\"") != std::string::npos);
    CHECK(text.find("request_body") == std::string::npos);
    CHECK(text.find("secret") == std::string::npos);
  }
  std::remove(path.c_str());
}

TEST_CASE("include_bodies keeps the body") {
  const std::string path = temp_path();
  {
    SinkInstance sink(sink_vtable(llmgw_plugin_entry_v1()), R"({"path":")" + path + R"(","include_bodies":true})");
    REQUIRE(sink.rc == LLMGW_OK);
    CHECK(sink.emit(kEvent) == LLMGW_OK);
    sink.flush();
    CHECK(read_all(path) == kEvent + "\n");
  }
  std::remove(path.c_str());
}

TEST_CASE("bad configs are refused with one line") {
  SinkInstance no_path(sink_vtable(llmgw_plugin_entry_v1()), "{}");
  CHECK(no_path.rc != LLMGW_OK);
  CHECK(no_path.error == "config.path: required (the file to append request lines to)");
  SinkInstance unknown(sink_vtable(llmgw_plugin_entry_v1()), R"({"path":"/tmp/x","colour":1})");
  CHECK(unknown.rc != LLMGW_OK);
  CHECK(unknown.error.find("config.colour: unknown key") == 0);
  SinkInstance unwritable(sink_vtable(llmgw_plugin_entry_v1()), R"({"path":"/nonexistent-dir/x.jsonl"})");
  CHECK(unwritable.rc != LLMGW_OK);
  CHECK(unwritable.error.find("cannot open /nonexistent-dir/x.jsonl") == 0);
}

TEST_CASE("an event that is not JSON is reported as lost, not written") {
  const std::string path = temp_path();
  {
    SinkInstance sink(sink_vtable(llmgw_plugin_entry_v1()), R"({"path":")" + path + R"("})");
    REQUIRE(sink.rc == LLMGW_OK);
    CHECK(sink.emit(R"({"request_body": )") == LLMGW_ERROR);
    sink.flush();
    CHECK(read_all(path).empty());
  }
  std::remove(path.c_str());
}
