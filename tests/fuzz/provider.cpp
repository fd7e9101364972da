// libFuzzer target for a provider plugin's decoders, built once per provider (fuzz_provider_openai,
// fuzz_provider_anthropic) from that plugin's objects and driven through its exported C vtable
// with the SDK's fake host (llmgw/testing.hpp), exactly as the core drives it.
// Input: [flags][status][stride][first] then the upstream's bytes.
//   flags bit 0: the client's dialect (canonical or, for provider-anthropic, native: passthrough)
//   flags bit 1: a streamed call — stream_open / stream_feed / stream_close; else decode_response
//   flags bit 2: the request asks for a json_schema response_format (changes decoding)
//   flags bit 3: the answer carries retry headers, their values taken from the first bytes
//   flags bit 4: also encode_request with the bytes as the client's request body
//   status: which HTTP status the upstream answered (a table of the interesting ones)
// Checks: no crash, leak of state or undocumented status; an error result is classified (a
// class and an HTTP status); a stream gives the same chunks, usage, error and end whether its
// bytes arrive whole or in pieces, and what it relays raw is a prefix of what came in.
#include "fuzz_util.hpp"

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>
#include <llmgw/testing.hpp>

#include <string>

extern "C" const llmgw_plugin* llmgw_plugin_entry_v1(void);

namespace {

namespace t = llmgw::testing;

#if defined(LLMGW_FUZZ_PROVIDER_OPENAI)
constexpr const char* kConfig = R"({"provider":"openai","model":"gpt-4o","api_key":"sk-test-abcdef"})";
constexpr llmgw_dialect kNative = LLMGW_DIALECT_OPENAI_CHAT;
#elif defined(LLMGW_FUZZ_PROVIDER_ANTHROPIC)
constexpr const char* kConfig = R"({"provider":"anthropic","api_key":"sk-ant-test-abcdef"})";
constexpr llmgw_dialect kNative = LLMGW_DIALECT_ANTHROPIC_MESSAGES;
#else
#error "define the provider this target is built for"
#endif

constexpr const char* kCanonical =
    R"({"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}})";
constexpr const char* kCanonicalJson =
    R"({"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true,)"
    R"("response_format":{"type":"json_schema","json_schema":{"name":"report","schema":{"type":"object"}}}})";
constexpr const char* kNativeBody =
    R"({"model":"m","max_tokens":64,"messages":[{"role":"user","content":"hi"}],"stream":true})";

constexpr int kStatuses[] = {200, 200, 200, 200, 201, 204, 400, 401, 402, 403, 404, 408, 409, 413,
                             422, 429, 500, 502, 503, 504, 529, 100, 302, 999};

t::ProviderInstance& plugin() {
  static t::ProviderInstance p(t::provider_vtable(llmgw_plugin_entry_v1()), kConfig,
                               [](t::FakeHost& h) { h.realtime_ms = 1764000000789; });
  FUZZ_REQUIRE(p.rc == LLMGW_OK && p.inst);
  return p;
}

struct Call {
  llmgw_call c{};
  std::string body;
  Call(std::string b, llmgw_dialect dialect, bool stream) : body(std::move(b)) {
    c.struct_size = sizeof c;
    c.operation = LLMGW_OP_CHAT;
    c.body_dialect = dialect;
    c.client_dialect = dialect;
    c.body = llmgw::str(body);
    c.model = llmgw::str("upstream-model");
    c.stream = stream ? 1 : 0;
  }
};

void require_classified(const std::optional<t::ErrorCopy>& e) {
  FUZZ_REQUIRE(e.has_value());
  FUZZ_REQUIRE(e->cls != 0);
  FUZZ_REQUIRE(e->status >= 400 && e->status <= 599);
}

t::RecordedEvents stream(t::ProviderInstance& p, const llmgw_call& call, const std::vector<std::string_view>& pieces) {
  return t::run_stream(p, call, pieces);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fuzz::Input in{data, size};
  const std::uint8_t flags = in.byte(0);
  const bool native = (flags & 1) && kNative != LLMGW_DIALECT_OPENAI_CHAT;
  const bool streamed = flags & 2;
  const int status = kStatuses[in.byte(1) % std::size(kStatuses)];
  const std::string_view bytes = in.rest(4);
  t::ProviderInstance& p = plugin();

  const Call call(native ? kNativeBody : (flags & 4) ? kCanonicalJson : kCanonical,
                  native ? kNative : LLMGW_DIALECT_OPENAI_CHAT, streamed);

  if (flags & 16) {
    const Call client(std::string(bytes), call.c.body_dialect, streamed);
    const t::RecordedRequest r = p.encode(client.c);
    // plugin.h: LLMGW_OK, LLMGW_UNSUPPORTED or LLMGW_BAD_ARGUMENT, the last two naming why.
    FUZZ_REQUIRE(r.rc == LLMGW_OK || r.rc == LLMGW_UNSUPPORTED || r.rc == LLMGW_BAD_ARGUMENT);
    if (r.rc != LLMGW_OK) FUZZ_REQUIRE(!r.error.empty());
  }

  if (!streamed || status < 200 || status > 299) {
    t::Headers headers;
    if (flags & 8) {
      const std::string_view v = bytes.substr(0, in.byte(2) % 24);
      headers = {{"retry-after", std::string(v)}, {"retry-after-ms", std::string(v)},
                 {"x-ratelimit-reset-requests", std::string(v)}, {"x-ratelimit-reset-tokens", std::string(v)}};
    }
    const t::RecordedResult r = p.decode(call.c, status, bytes, headers);
    FUZZ_REQUIRE(r.rc == LLMGW_OK || r.rc == LLMGW_ERROR);
    if (r.rc == LLMGW_ERROR) require_classified(r.error);
    return 0;
  }

  const t::RecordedEvents whole = stream(p, call.c, {bytes});
  const t::RecordedEvents cut = stream(p, call.c, fuzz::cut(bytes, in.byte(2), in.byte(3)));
  FUZZ_REQUIRE(whole.final_status == cut.final_status);
  FUZZ_REQUIRE(whole.final_status == LLMGW_DONE || whole.final_status == LLMGW_ERROR);
  FUZZ_REQUIRE(whole.chunks == cut.chunks);
  FUZZ_REQUIRE(whole.usage.has_value() == cut.usage.has_value());
  if (whole.usage) {
    FUZZ_REQUIRE(whole.usage->prompt_tokens == cut.usage->prompt_tokens);
    FUZZ_REQUIRE(whole.usage->completion_tokens == cut.usage->completion_tokens);
    FUZZ_REQUIRE(whole.usage->cached_tokens == cut.usage->cached_tokens);
    FUZZ_REQUIRE(whole.usage->cache_creation_tokens == cut.usage->cache_creation_tokens);
    FUZZ_REQUIRE(whole.usage->reasoning_tokens == cut.usage->reasoning_tokens);
  }
  if (whole.final_status == LLMGW_ERROR) {
    require_classified(whole.error);
    require_classified(cut.error);
    FUZZ_REQUIRE(whole.error->cls == cut.error->cls && whole.error->status == cut.error->status);
    FUZZ_REQUIRE(whole.error->message == cut.error->message);
  }
  for (const t::RecordedEvents* run : {&whole, &cut}) {
    FUZZ_REQUIRE(run->raw.size() <= bytes.size());
    FUZZ_REQUIRE(bytes.substr(0, run->raw.size()) == run->raw);
  }
  return 0;
}
