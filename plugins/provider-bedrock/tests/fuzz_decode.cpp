// libFuzzer target for provider-bedrock's decoders (tests/fuzz, -DLLMGW_FUZZ=ON; tests/fuzz/README.md):
//   - decode_response takes any body under a 2xx and an error status (with any x-amzn-ErrorType)
//     and never crashes: OK with a canonical body that is a JSON object, or ERROR with an error;
//   - the event-stream framer fed the bytes whole and in pieces sees the same messages and the
//     same error, and never holds more than the cap;
//   - the stream decoder fed whole and in pieces reaches the same chunks, usage, status and error;
//   - the encoder takes any body.
// Input: byte 0 = cut stride, byte 1 = first cut, byte 2 = mode; the rest is the payload. Mode
// bit 0 set: the payload is "<event-type>\t<json>" lines, each framed here with valid CRCs (so
// that the fuzzer reaches the event translation, not only the CRC checks); else raw stream bytes.
// Run: ./fuzz_provider_bedrock -max_total_time=60
#include "config.hpp"
#include "decode.hpp"
#include "encode.hpp"
#include "eventstream.hpp"
#include "stream.hpp"
#include "tests/eventstream_encode.hpp"
#include "wire.hpp"

#include "fuzz_util.hpp"

#include <llmgw/testing.hpp>

#include <plugin_util/testing/codec_fuzz.hpp>
#include <plugin_util/testing/embeddings_call.hpp>

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace b = llmgw::provider_bedrock;
using llmgw::testing::RecordedEvents;
using llmgw::testing::RecordedRequest;
using llmgw::testing::RecordedResult;

namespace {

const b::Config& config() {
  static const b::Config cfg = [] {
    std::vector<std::string> warnings;
    return b::parse_config(R"({"provider":"bedrock","api_base":"http://127.0.0.1:1","extra":{"aws_region_name":"us-east-1",)"
                           R"("aws_access_key_id":"AKIDFUZZ","aws_secret_access_key":"fuzz-secret"}})",
                           llmgw::Host(nullptr), warnings);
  }();
  return cfg;
}

llmgw_call call_of(std::string_view body, bool stream) {
  llmgw_call c{};
  c.struct_size = sizeof c;
  c.operation = LLMGW_OP_CHAT;
  c.body_dialect = LLMGW_DIALECT_OPENAI_CHAT;
  c.client_dialect = LLMGW_DIALECT_OPENAI_CHAT;
  c.body = llmgw::str(body);
  c.model = llmgw::str("us.anthropic.claude-3-5-sonnet-20240620-v1:0");
  c.stream = stream ? 1 : 0;
  return c;
}

/// "<type>\t<json>" lines → framed events ("!<type>\t<json>": an exception).
std::string framed(std::string_view lines) {
  std::string out;
  while (!lines.empty()) {
    const std::size_t nl = lines.find('\n');
    const std::string_view line = lines.substr(0, nl);
    lines = nl == std::string_view::npos ? std::string_view() : lines.substr(nl + 1);
    const std::size_t tab = line.find('\t');
    if (tab == std::string_view::npos) continue;
    const std::string type(line.substr(0, tab));
    if (!type.empty() && type[0] == '!') out += bedrock_test::exception(type.substr(1), line.substr(tab + 1));
    else out += bedrock_test::event(type, line.substr(tab + 1));
  }
  return out;
}

struct Framed {
  std::vector<std::string> messages;
  b::eventstream::Error error = b::eventstream::Error::kNone;
};

Framed frame_all(const std::vector<std::string_view>& pieces) {
  b::eventstream::Framer f(4096);  // a small cap: the size refusal is reachable
  Framed out;
  for (std::string_view p : pieces) {
    out.error = f.feed(p, [&](const b::eventstream::Message& m) {
      out.messages.push_back(std::string(m.event_type) + '|' + std::string(m.message_type) + '|' + std::string(m.exception_type) +
                             '|' + std::string(m.payload));
      return true;
    });
    FUZZ_REQUIRE(f.buffered() <= 4096 + p.size());
    if (out.error != b::eventstream::Error::kNone) break;
  }
  return out;
}

RecordedEvents run(const std::vector<std::string_view>& pieces, bool include_usage) {
  b::Stream s(config(), include_usage, "us.anthropic.claude-3-5-sonnet-20240620-v1:0", 1);
  return llmgw::plugin_util::testing::feed_stream(s, pieces);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fuzz::Input in{data, size};
  if (size < 3) return 0;
  const std::string_view payload = in.rest(3);

  // Whole responses under a 2xx and an error status; the error type from the payload's start.
  const llmgw_call plain = call_of(R"({"messages":[{"role":"user","content":"x"}]})", false);
  const std::string error_type(payload.substr(0, std::min<std::size_t>(payload.size(), in.byte(2) % 40)));
  const llmgw_header headers[] = {{llmgw::str("x-amzn-ErrorType"), llmgw::str(error_type)},
                                  {llmgw::str("x-amzn-RequestId"), llmgw::str(error_type)}};
  for (int status : {200, 400 + in.byte(0) % 200}) {
    RecordedResult r;
    const llmgw_result_out out = r.out();
    const llmgw_upstream_response resp{sizeof resp, status, headers, 2, llmgw::str(payload)};
    r.rc = b::decode(config(), plain, resp, out, 1);
    if (r.rc == LLMGW_OK) {
      rapidjson::Document d;
      d.Parse(r.body.data(), r.body.size());
      FUZZ_REQUIRE(!d.HasParseError() && d.IsObject());
    } else {
      FUZZ_REQUIRE(r.rc == LLMGW_ERROR && r.error.has_value() && r.error->status >= 400 && r.error->status <= 599);
    }
  }
  // The same bytes as the answer to an embeddings call (float and base64 lists).
  for (int status : {200, 400 + in.byte(0) % 200})
    FUZZ_REQUIRE(llmgw::plugin_util::testing::embeddings_decode_holds<RecordedResult>(
        [](const llmgw_call& c, const llmgw_upstream_response& resp, const llmgw_result_out& out) {
          return b::decode(config(), c, resp, out, 1);
        },
        payload, status, in.byte(1) & 1));
  static llmgw::testing::FakeHost host;
  {  // The same bytes as an embeddings request body: encoded, or refused with a line for the client.
    llmgw::plugin_util::testing::EmbeddingsCall emb{std::string(payload), in.byte(1) & 2 ? "amazon.titan-embed-text-v2:0" : "cohere.embed-v4:0"};
    RecordedRequest er;
    const llmgw_request_out eo = er.out();
    llmgw_writer ew = er.error_writer();
    er.rc = b::encode(config(), llmgw::Host(host.table()), emb.c, eo, &ew);
    FUZZ_REQUIRE(er.rc == LLMGW_OK || !er.error.empty());
  }

  // The stream: raw bytes, or lines framed with valid CRCs.
  const std::string bytes = in.byte(2) & 1 ? framed(payload) : std::string(payload);
  const std::vector<std::string_view> pieces = fuzz::cut(bytes, in.byte(0), in.byte(1));
  const Framed whole_frames = frame_all({bytes});
  const Framed cut_frames = frame_all(pieces);
  FUZZ_REQUIRE(whole_frames.messages == cut_frames.messages);
  FUZZ_REQUIRE(whole_frames.error == cut_frames.error);

  const bool usage = in.byte(2) & 2;
  const RecordedEvents whole = run({bytes}, usage);
  const RecordedEvents cut = run(pieces, usage);
  FUZZ_REQUIRE(whole.final_status == cut.final_status);
  FUZZ_REQUIRE(whole.final_status == LLMGW_DONE || whole.final_status == LLMGW_ERROR);
  FUZZ_REQUIRE(whole.chunks == cut.chunks);
  FUZZ_REQUIRE(whole.error.has_value() == cut.error.has_value());
  FUZZ_REQUIRE(!whole.error || whole.error->message == cut.error->message);
  FUZZ_REQUIRE(llmgw::plugin_util::testing::same_usage(whole.usage, cut.usage));
  for (const std::string& c : whole.chunks) {
    rapidjson::Document d;
    d.Parse(c.data(), c.size());
    FUZZ_REQUIRE(!d.HasParseError() && d.IsObject());
  }

  // The encoder takes any body (signing through the fake host's stub hashes).
  RecordedRequest req;
  const llmgw_request_out rout = req.out();
  llmgw_writer err = req.error_writer();
  req.rc = b::encode(config(), llmgw::Host(host.table()), call_of(payload, in.byte(1) & 1), rout, &err);
  FUZZ_REQUIRE(req.rc == LLMGW_OK || !req.error.empty());
  return 0;
}
