// libFuzzer target: the guarded reply's SSE framing (core/guard/guard_reply: events cut at their
// blank line, one or several data: lines) over raw upstream stream bytes, both dialects, with
// the core tests' fake guard (redacts "secret", blocks "forbidden", holds back 8 bytes).
// Input: [bit 0: Anthropic] [piece-size seed] then the stream bytes.
// Checks: the bytes delivered whole and delivered in pieces (sizes from the seed) are blocked in
// both or in neither, and when neither, give the same client output: the framing must not depend
// on how reads fell. (When a guardrail blocks, the answers may differ rightly: a block in the
// first read is a clean 400, after events went out it is the stream's error event.) No crash,
// no sanitizer finding.
#include "fuzz_util.hpp"

#include <string>

#include "../unit/guard/fake_guard.hpp"
#include "guard/guard_reply.hpp"

namespace {

class Recording final : public llmgw::pipeline::Reply {
 public:
  std::string out;
  void set_upstream_dialect(llmgw_dialect) override {}
  void error(const llmgw::canonical::ApiError& e) override { out += "<error " + e.message + ">"; }
  void json(int, std::string_view body) override { out += "<json>"; out.append(body); }
  void stream_raw(std::string_view bytes) override { committed_ = true; out.append(bytes); }
  void stream_chunk(std::string_view c) override { committed_ = true; out += "<chunk>"; out.append(c); }
  void flush() override {}
  boost::asio::awaitable<bool> drain() override { co_return true; }
  void stream_error(const llmgw::canonical::ApiError& e) override { out += "<stream_error " + e.message + ">"; }
  void stream_end(bool) override { out += "<end>"; }
  bool committed() const override { return committed_; }
  bool client_alive() const override { return true; }
  void add_header(std::string_view, std::string_view) override {}

 private:
  bool committed_ = false;
};

std::string run(const llmgw::guard::GuardChain& chain, llmgw_dialect dialect, std::string_view bytes, unsigned seed) {
  auto recording = std::make_unique<Recording>();
  Recording* client = recording.get();
  llmgw::guard::GuardReply reply(std::move(recording), chain, dialect, {"m"}, 64);
  reply.set_upstream_dialect(dialect);
  if (seed == 0) {
    reply.stream_raw(bytes);
  } else {
    std::size_t at = 0;
    for (unsigned i = 0; at < bytes.size(); ++i) {
      const std::size_t n = 1 + ((seed >> (i % 8)) + i) % 17;
      reply.stream_raw(bytes.substr(at, n));
      at += n;
    }
  }
  reply.stream_end(false);
  return client->out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fuzz::Input in{data, size};
  static const std::unique_ptr<llmgw::guard::GuardChain> chain = fake::chain();
  const llmgw_dialect dialect = (in.byte(0) & 1) ? LLMGW_DIALECT_ANTHROPIC_MESSAGES : LLMGW_DIALECT_OPENAI_CHAT;
  const std::string bytes(in.rest(2));
  const std::string whole = run(*chain, dialect, bytes, 0);
  const std::string pieces = run(*chain, dialect, bytes, 1u + in.byte(1));
  auto blocked = [](const std::string& out) {
    return out.find("<error ") != std::string::npos || out.find("<stream_error ") != std::string::npos;
  };
  const bool whole_blocked = blocked(whole), pieces_blocked = blocked(pieces);
  if (whole_blocked != pieces_blocked || (!whole_blocked && whole != pieces))
    std::fprintf(stderr, "whole:\n%s\npieces:\n%s\n", whole.c_str(), pieces.c_str());
  FUZZ_REQUIRE(whole_blocked == pieces_blocked);
  if (!whole_blocked) FUZZ_REQUIRE(whole == pieces);
  return 0;
}
