// libFuzzer target: the Anthropic front-end's stream encoder (canonical chunks → Messages SSE).
// Input: lines; each line is one canonical chunk as an upstream stream would carry it. A line
// starting with byte 0x01 makes the stream fail there (error()); otherwise finish() ends it.
// Checks, on everything written: each event is "event: NAME\ndata: JSON\n\n" with a JSON
// object whose "type" is NAME; message_start comes first; content blocks are started with the
// next index, receive deltas and stops only while open, one open at a time; after finish() the
// stream ends with message_delta then message_stop, and after error() with the error event.
#include "fuzz_util.hpp"
#include "json_check.hpp"
#include "frontends/anthropic_messages/stream_encoder.hpp"

#include <string>

namespace an = llmgw::frontends::anthropic;

namespace {

struct Checker {
  bool started = false, ended = false;
  long long open = -1, next = 0;
  std::string last;

  void event(std::string_view name, std::string_view json) {
    FUZZ_REQUIRE(!ended);
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
    FUZZ_REQUIRE(!doc.HasParseError() && doc.IsObject());
    FUZZ_REQUIRE(fuzz::is_string(fuzz::member(doc, "type"), name));
    if (name == "error") {
      ended = true;
    } else if (name == "message_start") {
      FUZZ_REQUIRE(!started);
      started = true;
    } else {
      FUZZ_REQUIRE(started);
    }
    const rapidjson::Value* index = fuzz::member(doc, "index");
    if (name == "content_block_start") {
      FUZZ_REQUIRE(open < 0 && index && index->IsInt64());
      FUZZ_REQUIRE(index->GetInt64() == next);
      open = next++;
    } else if (name == "content_block_delta" || name == "content_block_stop") {
      FUZZ_REQUIRE(open >= 0 && index && index->IsInt64());
      FUZZ_REQUIRE(index->GetInt64() == open);
      if (name == "content_block_stop") open = -1;
    } else if (name == "message_delta") {
      FUZZ_REQUIRE(open < 0);
    } else if (name == "message_stop") {
      FUZZ_REQUIRE(last == "message_delta");
      ended = true;
    }
    last.assign(name);
  }

  /// Consumes the complete events at the front of `out` (the encoder writes whole events).
  void feed(std::string& out) {
    std::string_view rest = out;
    while (!rest.empty()) {
      FUZZ_REQUIRE(rest.substr(0, 7) == "event: ");
      const std::size_t name_end = rest.find('\n');
      FUZZ_REQUIRE(name_end != std::string_view::npos);
      const std::string_view name = rest.substr(7, name_end - 7);
      rest.remove_prefix(name_end + 1);
      FUZZ_REQUIRE(rest.substr(0, 6) == "data: ");
      const std::size_t data_end = rest.find("\n\n");
      FUZZ_REQUIRE(data_end != std::string_view::npos);
      const std::string_view json = rest.substr(6, data_end - 6);
      FUZZ_REQUIRE(json.find('\n') == std::string_view::npos);
      event(name, json);
      rest.remove_prefix(data_end + 2);
    }
    out.clear();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  an::MessagesStreamEncoder enc("client\"model");
  Checker check;
  std::string out;
  bool failed = false;
  while (!input.empty() && !failed) {
    const std::size_t eol = input.find('\n');
    const std::string_view line = input.substr(0, eol);
    input.remove_prefix(eol == std::string_view::npos ? input.size() : eol + 1);
    if (!line.empty() && line[0] == '\x01') {
      enc.error(llmgw::canonical::ApiError{529, "overloaded_error", {}, {}, std::string(line.substr(1))}, out);
      failed = true;
    } else {
      enc.chunk(line, out);
    }
    check.feed(out);
  }
  if (!failed) {
    enc.finish(out);
    check.feed(out);
    FUZZ_REQUIRE(check.started && check.ended && check.last == "message_stop");
  } else {
    FUZZ_REQUIRE(check.ended && check.last == "error");
  }
  return 0;
}
