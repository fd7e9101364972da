// RetryGate (core/pipeline/retry_gate.hpp): raw stream bytes reach the client only as whole SSE
// events, a partial event is held (and its size is visible, for the runaway-event cap), errors
// before the first event are held for a retry, and a large partial event is scanned once.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "pipeline/retry_gate.hpp"

using llmgw::canonical::ApiError;
using llmgw::pipeline::Reply;
using llmgw::pipeline::RetryGate;

namespace {

/// A client that records what reaches it.
struct RecordingReply final : Reply {
  std::string raw;
  std::vector<int> errors;
  int stream_errors = 0;
  bool committed_ = false;
  void set_upstream_dialect(llmgw_dialect) override {}
  void error(const llmgw::canonical::ApiError& e) override { errors.push_back(e.status); }
  void json(int, std::string_view) override { committed_ = true; }
  void stream_raw(std::string_view b) override {
    committed_ = true;
    raw.append(b);
  }
  void stream_chunk(std::string_view) override { committed_ = true; }
  void flush() override {}
  boost::asio::awaitable<bool> drain() override { co_return true; }
  void stream_error(const llmgw::canonical::ApiError&) override { ++stream_errors; }
  void stream_end(bool) override {}
  bool committed() const override { return committed_; }
  bool client_alive() const override { return true; }
  void add_header(std::string_view, std::string_view) override {}
};

}  // namespace

TEST_CASE("raw bytes pass a whole event at a time") {
  RecordingReply client;
  llmgw::pipeline::HeaderList slots;
  RetryGate gate(client, slots);
  gate.begin_attempt("d#0", 1);
  gate.stream_raw("data: 1\n\ndata: ");
  CHECK(client.raw == "data: 1\n\n");
  CHECK(gate.held_partial_bytes() == 6);
  gate.stream_raw("2\n");
  CHECK(client.raw == "data: 1\n\n");
  gate.stream_raw("\n");
  CHECK(client.raw == "data: 1\n\ndata: 2\n\n");
  CHECK(gate.held_partial_bytes() == 0);
  gate.stream_raw("data: 3\r\n\r\n");
  CHECK(client.raw.ends_with("data: 3\r\n\r\n"));
}

TEST_CASE("an event end split across pieces at every byte is found") {
  const std::string wire = "data: a\r\n\r\ndata: b\n\n";
  for (std::size_t cut = 1; cut < wire.size(); ++cut) {
    RecordingReply client;
    llmgw::pipeline::HeaderList slots;
    RetryGate gate(client, slots);
    gate.begin_attempt("d#0", 1);
    gate.stream_raw(std::string_view(wire).substr(0, cut));
    gate.stream_raw(std::string_view(wire).substr(cut));
    CHECK(client.raw == wire);
  }
}

TEST_CASE("an error before the first event is held for a retry, not answered") {
  RecordingReply client;
  llmgw::pipeline::HeaderList slots;
  RetryGate gate(client, slots);
  gate.begin_attempt("d#0", 1);
  gate.stream_raw("data: partial");
  gate.stream_error(llmgw::canonical::ApiError{502, "api_error", "", "", "cut"});
  CHECK(gate.holding());
  CHECK(client.errors.empty());
  CHECK(client.raw.empty());
  llmgw::canonical::ApiError e{429, "rate_limit_error", "", "", "slow"};
  e.retry_after_ms = 99'999'999'000;
  gate.begin_attempt("d#1", 2);
  gate.error(e);
  gate.clamp_retry_after(300'000);
  CHECK(gate.held_error().retry_after_ms == 300'000);
  gate.release();
  CHECK(client.errors == std::vector<int>{429});
}

TEST_CASE("a large partial event is scanned once, not once per piece") {
  RecordingReply client;
  llmgw::pipeline::HeaderList slots;
  RetryGate gate(client, slots);
  gate.begin_attempt("d#0", 1);
  const std::string piece(16 * 1024, 'x');
  gate.stream_raw("data: ");
  for (int i = 0; i < 512; ++i) gate.stream_raw(piece);  // 8 MB, no event end
  CHECK(gate.held_partial_bytes() == 6 + 512 * piece.size());
  gate.stream_raw("\n\n");
  // Quadratic rescanning would visit about 2 G bytes here (seconds); linear, a few ms.
  CHECK(client.raw.size() == 8 + 512 * piece.size());
}
