// libFuzzer target for provider-gemini's decoders (tests/fuzz, -DLLMGW_FUZZ=ON; tests/fuzz/README.md):
//   - decode_response takes any body under any status and never crashes: it answers OK with a
//     canonical body that is JSON, or ERROR with a classified error;
//   - the stream decoder fed the input whole and fed in pieces reaches the same chunks, usage,
//     final status and error;
//   - the request encoder takes any body;
//   - on a vertex_ai/ config the same bytes as the answer to an embeddings call (:predict's
//     predictions), as the Anthropic partner model's answer, count_tokens answer and stream
//     (vertex_ai/claude-…: provider-anthropic's decoders through CallStream; whole and cut alike),
//     as an open model's OpenAI answer and SSE stream (vertex_ai/meta/…: relayed, whole and cut
//     alike, never more than the input), as a Mistral partner model's answer and SSE stream
//     (vertex_ai/mistral-…: provider-mistral's decoders; whole and cut alike), as a Gemini
//     model's :countTokens answer (both configs), and any body encoded for those models (chat
//     and count_tokens);
//   - vertex_ai's token-endpoint answer parser (VertexAuth::accept_token_answer, ABI 1.1
//     credential_accept) takes any body under any status: a token is kept only from a 200 with
//     access_token and expires_in, and every refusal has a line.
// Run: ./fuzz_provider_gemini -max_total_time=60
#include "call_stream.hpp"
#include "config.hpp"
#include "decode.hpp"
#include "encode.hpp"
#include "stream.hpp"
#include "vertex_auth.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <llmgw/testing.hpp>

#include <plugin_util/testing/codec_fuzz.hpp>
#include <plugin_util/testing/embeddings_call.hpp>

#include <rapidjson/document.h>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace g = llmgw::provider_gemini;
namespace ft = llmgw::plugin_util::testing;
using llmgw::testing::RecordedRequest;
using llmgw::testing::RecordedResult;

namespace {

const g::Config& config() {
  static const g::Config cfg = [] {
    std::vector<std::string> warnings;
    return g::parse_config(R"({"provider":"gemini","api_key":"AIzaFuzzKey","api_base":"http://127.0.0.1:1"})", warnings);
  }();
  return cfg;
}

/// A vertex_ai/ deployment without credentials (no token: the decoders need none).
const g::Config& vertex_config() {
  static const g::Config cfg = [] {
    std::vector<std::string> warnings;
    return g::parse_config(R"({"provider":"vertex_ai","api_base":"http://127.0.0.1:1","extra":{"vertex_project":"p"}})", warnings);
  }();
  return cfg;
}

/// A VertexAuth over an RSA key made once (the fuzz run only parses token answers with it).
g::VertexAuth& vertex() {
  static g::VertexAuth* auth = [] {
    EVP_PKEY* pkey = EVP_RSA_gen(1024);
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, pkey, nullptr, nullptr, 0, nullptr, nullptr);
    char* pem = nullptr;
    const long n = BIO_get_mem_data(bio, &pem);
    g::ServiceAccount a{"fuzz@example.iam.gserviceaccount.com", std::string(pem, static_cast<std::size_t>(n)), "k", "http://127.0.0.1:1/token", "p"};
    BIO_free(bio);
    EVP_PKEY_free(pkey);
    return new g::VertexAuth(std::move(a));
  }();
  return *auth;
}

/// The claude-… stream on Vertex (provider-anthropic's translating decoder behind CallStream), or
/// the open models' OpenAI SSE relay (model "meta/…").
llmgw::testing::RecordedEvents run_vertex(const llmgw_call& call, const std::vector<std::string_view>& pieces) {
  const llmgw_upstream_response resp{sizeof resp, 200, nullptr, 0, {nullptr, 0}};
  g::CallStream s(vertex_config(), call, true, 1, resp);
  return ft::feed_stream(s, pieces);
}

llmgw::testing::RecordedEvents run(const std::vector<std::string_view>& pieces, bool include_usage) {
  g::Stream s(config(), include_usage, "gemini-2.5-flash", 1);
  return ft::feed_stream(s, pieces);
}

void require_same(const llmgw::testing::RecordedEvents& whole, const llmgw::testing::RecordedEvents& cut) {
  ft::fuzz_require(ft::same_events(whole, cut));
  ft::fuzz_require(ft::same_usage(whole.usage, cut.usage));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);
  const std::vector<std::string_view> pieces = ft::cut_pieces(input, data[0], data[1]);
  const auto decode = [](const llmgw_call& c, const llmgw_upstream_response& resp, const llmgw_result_out& out) {
    return g::decode(config(), c, resp, out, 1);
  };
  const auto vertex_decode = [](const llmgw_call& c, const llmgw_upstream_response& resp, const llmgw_result_out& out) {
    return g::decode(vertex_config(), c, resp, out, 1);
  };
  const auto encode = [](const llmgw_call& c, const llmgw_request_out& out, const llmgw_writer* err) {
    return g::encode(config(), c, out, err);
  };
  const auto vertex_encode = [](const llmgw_call& c, const llmgw_request_out& out, const llmgw_writer* err) {
    return g::encode(vertex_config(), c, out, err);
  };

  // Whole responses under a 2xx and an error status, and the same bytes as the answer to an
  // embeddings call (float and base64 lists; on vertex_ai/ :predict's predictions).
  const llmgw_call plain = ft::chat_call(R"({"messages":[{"role":"user","content":"x"}]})", "gemini-2.5-flash", false);
  for (int status : {200, 400 + data[0] % 200}) {
    ft::fuzz_require(ft::decode_holds(decode, plain, input, status));
    ft::fuzz_require(ft::embeddings_decode_holds<RecordedResult>(decode, input, status, data[1] & 1));
    ft::fuzz_require(ft::embeddings_decode_holds<RecordedResult>(vertex_decode, input, status, data[1] & 1));
  }
  {  // The same bytes as an embeddings request body: encoded, or refused with a line for the client.
    const ft::EmbeddingsCall emb{std::string(input), "gemini-embedding-001"};
    ft::fuzz_require(ft::encode_holds(encode, emb.c));
    ft::fuzz_require(ft::encode_holds(vertex_encode, emb.c));  // one input per request on Vertex
  }

  // vertex_ai/: the Anthropic partner model's answers (chat and count_tokens) and stream, the open
  // models' (OpenAI's) answers and stream, and any body encoded for them.
  const std::string_view claude_body = R"({"messages":[{"role":"user","content":"x"}],"stream_options":{"include_usage":true}})";
  const llmgw_call claude = ft::chat_call(claude_body, "claude-sonnet-4-5@20250929", true);
  llmgw_call count = ft::chat_call(claude_body, "claude-sonnet-4-5@20250929", false);
  count.operation = LLMGW_OP_COUNT_TOKENS;
  const llmgw_call open = ft::chat_call(claude_body, "meta/llama-3.3-70b-instruct-maas", true);
  const llmgw_call mistral = ft::chat_call(claude_body, "mistral-small-2503@001", true);
  llmgw_call gemini_count = ft::chat_call(claude_body, "gemini-2.5-flash", false);
  gemini_count.operation = LLMGW_OP_COUNT_TOKENS;
  for (int status : {200, 400 + data[0] % 200}) {
    ft::fuzz_require(ft::decode_holds(vertex_decode, claude, input, status));
    ft::fuzz_require(ft::decode_holds(vertex_decode, count, input, status));
    ft::fuzz_require(ft::decode_holds(vertex_decode, open, input, status));
    ft::fuzz_require(ft::decode_holds(vertex_decode, mistral, input, status));
    ft::fuzz_require(ft::decode_holds(vertex_decode, gemini_count, input, status));
    ft::fuzz_require(ft::decode_holds(decode, gemini_count, input, status));
  }
  require_same(run_vertex(claude, {input}), run_vertex(claude, pieces));
  require_same(run_vertex(mistral, {input}), run_vertex(mistral, pieces));
  {  // The OpenAI relay: the same outcome and usage; the bytes relayed are the input's, in order.
    const llmgw::testing::RecordedEvents whole = run_vertex(open, {input});
    const llmgw::testing::RecordedEvents cut = run_vertex(open, pieces);
    require_same(whole, cut);
    ft::fuzz_require(input.starts_with(whole.raw) && input.starts_with(cut.raw));
  }
  for (const std::string_view model :
       {"claude-haiku-4-5@20251001", "meta/llama-3.3-70b-instruct-maas", "codestral-2501", "gemini-2.5-flash"}) {
    llmgw_call any = ft::chat_call(input, model, data[1] & 1);
    ft::fuzz_require(ft::encode_holds(vertex_encode, any));
    any.operation = LLMGW_OP_COUNT_TOKENS;
    ft::fuzz_require(ft::encode_holds(vertex_encode, any));
    ft::fuzz_require(ft::encode_holds(encode, any));
  }

  // Streams: the same outcome however the bytes are cut.
  const bool include_usage = data[0] & 1;
  const llmgw::testing::RecordedEvents whole = run({input}, include_usage);
  const llmgw::testing::RecordedEvents cut = run(pieces, include_usage);
  require_same(whole, cut);
  if (whole.error) ft::fuzz_require(whole.error->cls == cut.error->cls && whole.error->message == cut.error->message);

  // The same bytes as the token endpoint's answer.
  for (int status : {200, 0, 400 + data[0] % 200}) {
    const llmgw_upstream_response resp{sizeof resp, status, nullptr, 0, llmgw::str(input)};
    std::string why;
    const int64_t refresh = vertex().accept_token_answer(resp, why);
    ft::fuzz_require(refresh > 0);
    ft::fuzz_require(status == 200 || !why.empty());
    RecordedRequest with;
    const llmgw_request_out wo = with.out();
    const bool sent = vertex().add_authorization(wo);
    ft::fuzz_require(!sent || with.header("authorization").rfind("Bearer ", 0) == 0);
  }

  // The encoder takes any canonical body.
  ft::fuzz_require(ft::encode_holds(encode, ft::chat_call(input, "gemini-2.5-flash", data[1] & 1)));
  return 0;
}
