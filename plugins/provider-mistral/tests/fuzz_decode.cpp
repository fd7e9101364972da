// libFuzzer target for provider-mistral's decoders (tests/fuzz, -DLLMGW_FUZZ=ON; tests/fuzz/README.md):
// decode_response under any status never crashes and answers JSON or a classified error; the
// stream decoder fed whole and fed in pieces reaches the same chunks, usage and status; the
// encoder takes any body. Run: ./fuzz_provider_mistral -max_total_time=60
#include "config.hpp"
#include "codec.hpp"

#include <llmgw/testing.hpp>

#include <plugin_util/testing/embeddings_call.hpp>

#include <rapidjson/document.h>

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace m = llmgw::provider_mistral;
using llmgw::testing::RecordedEvents;
using llmgw::testing::RecordedRequest;
using llmgw::testing::RecordedResult;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

const m::Config& config() {
  static const m::Config cfg = [] {
    std::vector<std::string> w;
    return m::parse_config(R"({"provider":"mistral","api_key":"fuzz-key"})", w);
  }();
  return cfg;
}

llmgw_call call_of(std::string_view body, bool stream) {
  llmgw_call c{};
  c.struct_size = sizeof c;
  c.operation = LLMGW_OP_CHAT;
  c.body_dialect = LLMGW_DIALECT_OPENAI_CHAT;
  c.body = llmgw::str(body);
  c.model = llmgw::str("model-x");
  c.stream = stream;
  return c;
}

RecordedEvents run(const std::vector<std::string_view>& pieces, bool usage) {
  RecordedEvents ev;
  const llmgw_event_out out = ev.out();
  m::Stream s(config(), usage);
  llmgw_status st = LLMGW_NEED_MORE;
  for (std::string_view p : pieces) {
    st = s.feed(p, out);
    if (st != LLMGW_NEED_MORE) break;
  }
  if (st == LLMGW_NEED_MORE) st = s.close(out);
  ev.final_status = st;
  return ev;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);
  const std::size_t every = 1 + data[0] % 64, first = data[1] % 64;
  std::vector<std::string_view> pieces;
  for (std::size_t at = 0, next = std::min(first, input.size()); at < input.size(); at = next, next = std::min(next + every, input.size()))
    pieces.push_back(input.substr(at, next - at));

  const llmgw_call plain = call_of(R"({"messages":[]})", false);
  for (int status : {200, 400 + data[0] % 200}) {
    RecordedResult r;
    const llmgw_result_out out = r.out();
    const llmgw_upstream_response resp{sizeof resp, status, nullptr, 0, llmgw::str(input)};
    r.rc = m::decode(config(), plain, resp, out);
    if (r.rc == LLMGW_OK) {
      rapidjson::Document d;
      d.Parse(r.body.data(), r.body.size());
      require(!d.HasParseError());
    } else {
      require(r.rc == LLMGW_ERROR && r.error.has_value());
    }
  }
  // The same bytes as the answer to an embeddings call (float and base64 lists).
  for (int status : {200, 400 + data[0] % 200})
    require(llmgw::plugin_util::testing::embeddings_decode_holds<RecordedResult>(
        [](const llmgw_call& c, const llmgw_upstream_response& resp, const llmgw_result_out& out) {
          return m::decode(config(), c, resp, out);
        },
        input, status, data[1] & 1));
  {  // The same bytes as an embeddings request body: encoded, or refused with a line for the client.
    llmgw::plugin_util::testing::EmbeddingsCall emb{std::string(input), data[1] & 2 ? "codestral-embed" : "mistral-embed"};
    RecordedRequest er;
    const llmgw_request_out eo = er.out();
    llmgw_writer ew = er.error_writer();
    er.rc = m::encode(config(), emb.c, eo, &ew);
    require(er.rc == LLMGW_OK || !er.error.empty());
  }
  const bool usage = data[0] & 1;
  const RecordedEvents whole = run({input}, usage);
  const RecordedEvents cut = run(pieces, usage);
  require(whole.final_status == cut.final_status);
  require(whole.chunks == cut.chunks);
  require(whole.error.has_value() == cut.error.has_value());

  RecordedRequest req;
  const llmgw_request_out rout = req.out();
  llmgw_writer err = req.error_writer();
  const llmgw_call any = call_of(input, data[1] & 1);
  req.rc = m::encode(config(), any, rout, &err);
  require(req.rc == LLMGW_OK || !req.error.empty());
  return 0;
}
