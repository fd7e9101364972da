// libFuzzer target for provider-ollama's decoders (tests/fuzz, -DLLMGW_FUZZ=ON; tests/fuzz/README.md):
// decode_response under any status never crashes and answers JSON or a classified error; the
// NDJSON stream decoder fed whole and fed in pieces reaches the same chunks and status;
// the encoder takes any body. Run: ./fuzz_provider_ollama -max_total_time=60
#include "config.hpp"
#include "decode.hpp"
#include "encode.hpp"
#include "stream.hpp"

#include <plugin_util/testing/codec_fuzz.hpp>
#include <plugin_util/testing/embeddings_call.hpp>

#include <cstdint>
#include <string_view>
#include <vector>

namespace o = llmgw::provider_ollama;
namespace ft = llmgw::plugin_util::testing;
using llmgw::testing::RecordedResult;

namespace {

const o::Config& config() {
  static const o::Config cfg = [] {
    std::vector<std::string> w;
    return o::parse_config(R"({"provider":"ollama","api_key":"fuzz-key"})", w);
  }();
  return cfg;
}

llmgw::testing::RecordedEvents run(const std::vector<std::string_view>& pieces, bool usage) {
  o::Stream s(config(), usage, "llama3.2", 1);
  return ft::feed_stream(s, pieces);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);
  const std::vector<std::string_view> pieces = ft::cut_pieces(input, data[0], data[1]);
  const auto decode = [](const llmgw_call& c, const llmgw_upstream_response& resp, const llmgw_result_out& out) {
    return o::decode(config(), c, resp, out, 1);
  };
  const auto encode = [](const llmgw_call& c, const llmgw_request_out& out, const llmgw_writer* err) {
    return o::encode(config(), c, out, err);
  };

  const llmgw_call plain = ft::chat_call(R"({"messages":[]})", "llama3.2", false);
  for (int status : {200, 400 + data[0] % 200}) {
    ft::fuzz_require(ft::decode_holds(decode, plain, input, status));
    // The same bytes as the answer to an embeddings call (float and base64 lists).
    ft::fuzz_require(ft::embeddings_decode_holds<RecordedResult>(decode, input, status, data[1] & 1));
  }
  // The same bytes as an embeddings request body: encoded, or refused with a line for the client.
  const ft::EmbeddingsCall emb{std::string(input), "nomic-embed-text"};
  ft::fuzz_require(ft::encode_holds(encode, emb.c));

  const bool usage = data[0] & 1;
  ft::fuzz_require(ft::same_events(run({input}, usage), run(pieces, usage)));
  ft::fuzz_require(ft::encode_holds(encode, ft::chat_call(input, "llama3.2", data[1] & 1)));
  return 0;
}
