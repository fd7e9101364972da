// libFuzzer target for provider-gemini's decoders (tests/fuzz, -DLLMGW_FUZZ=ON; tests/fuzz/README.md):
//   - decode_response takes any body under any status and never crashes: it answers OK with a
//     canonical body that is JSON, or ERROR with a classified error;
//   - the stream decoder fed the input whole and fed in pieces reaches the same chunks, usage,
//     final status and error;
//   - the request encoder takes any body;
//   - on a vertex_ai/ config the same bytes as the answer to an embeddings call (:predict's
//     predictions), and as the Anthropic partner model's answer and stream (vertex_ai/claude-…:
//     provider-anthropic's decoders through CallStream; whole and cut alike), and any body encoded
//     for that model;
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

#include <plugin_util/testing/embeddings_call.hpp>

#include <rapidjson/document.h>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace g = llmgw::provider_gemini;
using llmgw::testing::RecordedEvents;
using llmgw::testing::RecordedRequest;
using llmgw::testing::RecordedResult;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

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

llmgw_call call_of(std::string_view body, bool stream) {
  llmgw_call c{};
  c.struct_size = sizeof c;
  c.operation = LLMGW_OP_CHAT;
  c.body_dialect = LLMGW_DIALECT_OPENAI_CHAT;
  c.client_dialect = LLMGW_DIALECT_OPENAI_CHAT;
  c.body = llmgw::str(body);
  c.model = llmgw::str("gemini-2.5-flash");
  c.stream = stream ? 1 : 0;
  return c;
}

/// The claude-… stream on Vertex (provider-anthropic's translating decoder behind CallStream).
RecordedEvents run_claude(const llmgw_call& call, const std::vector<std::string_view>& pieces) {
  RecordedEvents ev;
  const llmgw_event_out out = ev.out();
  const llmgw_upstream_response resp{sizeof resp, 200, nullptr, 0, {nullptr, 0}};
  g::CallStream s(vertex_config(), call, true, 1, resp);
  llmgw_status st = LLMGW_NEED_MORE;
  for (std::string_view p : pieces) {
    st = s.feed(p, out);
    if (st != LLMGW_NEED_MORE) break;
  }
  if (st == LLMGW_NEED_MORE) st = s.close(out);
  ev.final_status = st;
  return ev;
}

RecordedEvents run(const std::vector<std::string_view>& pieces, bool include_usage) {
  RecordedEvents ev;
  const llmgw_event_out out = ev.out();
  g::Stream s(config(), include_usage, "gemini-2.5-flash", 1);
  llmgw_status st = LLMGW_NEED_MORE;
  for (std::string_view p : pieces) {
    st = s.feed(p, out);
    if (st != LLMGW_NEED_MORE) break;
  }
  if (st == LLMGW_NEED_MORE) st = s.close(out);
  ev.final_status = st;
  return ev;
}

bool same_usage(const std::optional<llmgw_usage>& a, const std::optional<llmgw_usage>& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a) return true;
  return a->prompt_tokens == b->prompt_tokens && a->completion_tokens == b->completion_tokens &&
         a->cached_tokens == b->cached_tokens && a->reasoning_tokens == b->reasoning_tokens;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);
  const std::size_t every = 1 + data[0] % 64, first = data[1] % 64;
  std::vector<std::string_view> pieces;
  for (std::size_t at = 0, next = std::min(first, input.size()); at < input.size();
       at = next, next = std::min(next + every, input.size()))
    pieces.push_back(input.substr(at, next - at));

  // Whole responses under a 2xx and an error status.
  const llmgw_call plain = call_of(R"({"messages":[{"role":"user","content":"x"}]})", false);
  for (int status : {200, 400 + data[0] % 200}) {
    RecordedResult r;
    const llmgw_result_out out = r.out();
    const llmgw_upstream_response resp{sizeof resp, status, nullptr, 0, llmgw::str(input)};
    r.rc = g::decode(config(), plain, resp, out, 1);
    if (r.rc == LLMGW_OK) {
      rapidjson::Document d;
      d.Parse(r.body.data(), r.body.size());
      require(!d.HasParseError() && d.IsObject());
    } else {
      require(r.rc == LLMGW_ERROR && r.error.has_value());
    }
  }
  // The same bytes as the answer to an embeddings call (float and base64 lists).
  for (int status : {200, 400 + data[0] % 200})
    require(llmgw::plugin_util::testing::embeddings_decode_holds<RecordedResult>(
        [](const llmgw_call& c, const llmgw_upstream_response& resp, const llmgw_result_out& out) {
          return g::decode(config(), c, resp, out, 1);
        },
        input, status, data[1] & 1));
  {  // The same bytes as an embeddings request body: encoded, or refused with a line for the client.
    llmgw::plugin_util::testing::EmbeddingsCall emb{std::string(input), "gemini-embedding-001"};
    RecordedRequest er;
    const llmgw_request_out eo = er.out();
    llmgw_writer ew = er.error_writer();
    er.rc = g::encode(config(), emb.c, eo, &ew);
    require(er.rc == LLMGW_OK || !er.error.empty());
  }

  // vertex_ai/: embeddings answers (:predict), and the Anthropic partner model's answers.
  for (int status : {200, 400 + data[0] % 200})
    require(llmgw::plugin_util::testing::embeddings_decode_holds<RecordedResult>(
        [](const llmgw_call& c, const llmgw_upstream_response& resp, const llmgw_result_out& out) {
          return g::decode(vertex_config(), c, resp, out, 1);
        },
        input, status, data[1] & 1));
  llmgw_call claude = call_of(R"({"messages":[{"role":"user","content":"x"}],"stream_options":{"include_usage":true}})", true);
  claude.model = llmgw::str("claude-sonnet-4-5@20250929");
  for (int status : {200, 400 + data[0] % 200}) {
    RecordedResult r;
    const llmgw_result_out out = r.out();
    const llmgw_upstream_response resp{sizeof resp, status, nullptr, 0, llmgw::str(input)};
    r.rc = g::decode(vertex_config(), claude, resp, out, 1);
    if (r.rc == LLMGW_OK) {
      rapidjson::Document d;
      d.Parse(r.body.data(), r.body.size());
      require(!d.HasParseError() && d.IsObject());
    } else {
      require(r.rc == LLMGW_ERROR && r.error.has_value());
    }
  }
  {
    const RecordedEvents whole = run_claude(claude, {input});
    const RecordedEvents cut = run_claude(claude, pieces);
    require(whole.final_status == cut.final_status);
    require(whole.chunks == cut.chunks);
    require(same_usage(whole.usage, cut.usage));
    require(whole.error.has_value() == cut.error.has_value());
  }
  {  // Any body encoded for the partner model, or refused with a line.
    llmgw_call any_claude = call_of(input, data[1] & 1);
    any_claude.model = llmgw::str("claude-haiku-4-5@20251001");
    RecordedRequest cr;
    const llmgw_request_out co = cr.out();
    llmgw_writer cw = cr.error_writer();
    cr.rc = g::encode(vertex_config(), any_claude, co, &cw);
    require(cr.rc == LLMGW_OK || !cr.error.empty());
  }

  // Streams: the same outcome however the bytes are cut.
  const bool include_usage = data[0] & 1;
  const RecordedEvents whole = run({input}, include_usage);
  const RecordedEvents cut = run(pieces, include_usage);
  require(whole.final_status == cut.final_status);
  require(whole.chunks == cut.chunks);
  require(same_usage(whole.usage, cut.usage));
  require(whole.error.has_value() == cut.error.has_value());
  if (whole.error) require(whole.error->cls == cut.error->cls && whole.error->message == cut.error->message);

  // The same bytes as the token endpoint's answer.
  for (int status : {200, 0, 400 + data[0] % 200}) {
    const llmgw_upstream_response resp{sizeof resp, status, nullptr, 0, llmgw::str(input)};
    std::string why;
    const int64_t refresh = vertex().accept_token_answer(resp, why);
    require(refresh > 0);
    require(status == 200 || !why.empty());
    RecordedRequest with;
    const llmgw_request_out wo = with.out();
    const bool sent = vertex().add_authorization(wo);
    require(!sent || with.header("authorization").rfind("Bearer ", 0) == 0);
  }

  // The encoder takes any canonical body.
  RecordedRequest req;
  const llmgw_request_out rout = req.out();
  llmgw_writer err = req.error_writer();
  const llmgw_call any = call_of(input, data[1] & 1);
  req.rc = g::encode(config(), any, rout, &err);
  require(req.rc == LLMGW_OK || !req.error.empty());
  return 0;
}
