// MeteredReply (core/frontends/metered_reply.hpp): x-llmgw-cost on a whole answer is the
// deployment prices' exact figure; streams are counted event by event; under
// budget_enforcement: cut the event after the one that crossed the budget is replaced by the
// budget_exceeded error, nothing follows it and the pump is told to stop reading.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "frontends/metered_reply.hpp"

using llmgw::frontends::MeteredReply;
using llmgw::frontends::StreamMeter;

namespace {

struct Recording {
  std::string raw;
  std::vector<std::string> chunks, errors;
  std::vector<std::pair<std::string, std::string>> headers;
  bool ended = false;
};

struct RecordingReply final : llmgw::pipeline::Reply {
  explicit RecordingReply(Recording& r) : r_(r) {}
  void set_upstream_dialect(llmgw_dialect) override {}
  void error(const llmgw::canonical::ApiError&) override {}
  void json(int, std::string_view) override {}
  void stream_raw(std::string_view b) override { r_.raw.append(b); }
  void stream_chunk(std::string_view c) override { r_.chunks.emplace_back(c); }
  void flush() override {}
  boost::asio::awaitable<bool> drain() override { co_return true; }
  void stream_error(const llmgw::canonical::ApiError& e) override { r_.errors.push_back(e.code); }
  void stream_end(bool) override { r_.ended = true; }
  bool committed() const override { return !r_.raw.empty(); }
  bool client_alive() const override { return true; }
  void add_header(std::string_view n, std::string_view v) override { r_.headers.emplace_back(n, v); }

 private:
  Recording& r_;
};

llmgw::pricing::ModelPrice price() {
  llmgw::pricing::ModelPrice p;
  p.input = 1'000'000;     // $1 / 1M
  p.output = 100'000'000;  // $100 / 1M: 100,000 nUSD per output token
  return p;
}

}  // namespace

TEST_CASE("metered reply: x-llmgw-cost is the deployment's exact cost") {
  const llmgw::pricing::PriceTable table = llmgw::pricing::PriceTable::parse(
      R"({"m":{"input_cost_per_token":"0.000001","output_cost_per_token":"0.000002"}})");
  llmgw::pricing::DeploymentPrices prices;
  prices.add("d1", "openai", "m", {}, table);
  StreamMeter meter;
  meter.prices = &prices;
  Recording rec;
  MeteredReply reply(std::make_unique<RecordingReply>(rec), meter);
  llmgw_usage u{};
  u.prompt_tokens = 1000;
  u.completion_tokens = 501;
  u.cached_tokens = u.cache_creation_tokens = u.reasoning_tokens = -1;
  reply.answer_usage("d1", u);
  REQUIRE(rec.headers.size() == 1);
  CHECK(rec.headers[0].first == "x-llmgw-cost");
  CHECK(rec.headers[0].second == "0.002002");
  CHECK(meter.answer_cost_nano == 2'002'000);
  // No price known for the deployment: no header rather than a wrong "0".
  reply.answer_usage("unpriced", u);
  CHECK(rec.headers.size() == 1);
}

TEST_CASE("metered reply: events are counted and pass unchanged when nothing cuts") {
  StreamMeter meter;
  Recording rec;
  MeteredReply reply(std::make_unique<RecordingReply>(rec), meter);
  reply.stream_raw("data: 1\n\ndata: 2\r\n\r\n");
  reply.stream_raw("event: x\ndata: 3\n\n");
  reply.stream_chunk("{}");
  CHECK(meter.events == 4);
  CHECK(rec.raw == "data: 1\n\ndata: 2\r\n\r\nevent: x\ndata: 3\n\n");
  reply.stream_end(false);
  CHECK(rec.ended);
  CHECK(reply.client_alive());
}

TEST_CASE("metered reply: events of several lines, with LF, CR or CRLF line ends, count once each") {
  StreamMeter meter;
  Recording rec;
  MeteredReply reply(std::make_unique<RecordingReply>(rec), meter);
  reply.stream_raw("event: a\ndata: 1\ndata: 2\n\n: note\ndata: 3\n\n");  // LF only: 2
  CHECK(meter.events == 2);
  reply.stream_raw("data: 4\r\rdata: 5\r\ndata: 6\r\n\r\n");            // CR and CRLF: 2
  CHECK(meter.events == 4);
  reply.stream_raw("data: {\"a\":\"\\n\"}\n\n");                           // an escaped \n is text
  CHECK(meter.events == 5);
}

TEST_CASE("metered reply: cut ends the stream at the event after the crossing one") {
  const llmgw::pricing::ModelPrice p = price();
  StreamMeter meter;
  meter.cut_enabled = true;
  meter.price = &p;
  meter.prompt_tokens = 100;          // 100,000 nUSD
  meter.headroom_nano = 350'000;      // crossed by the 3rd event (100k + 3 × 100k = 400k)
  meter.cut_error = llmgw::canonical::ApiError{429, "rate_limit_error", "budget_exceeded", "", "spent"};
  Recording rec;
  MeteredReply reply(std::make_unique<RecordingReply>(rec), meter);
  // Five events in one piece (as RetryGate may hand them over): three pass, then the error.
  reply.stream_raw("data: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\ndata: 5\n\n");
  CHECK(rec.raw == "data: 1\n\ndata: 2\n\ndata: 3\n\n");
  REQUIRE(rec.errors.size() == 1);
  CHECK(rec.errors[0] == "budget_exceeded");
  CHECK(meter.cut);
  CHECK(meter.events == 3);
  CHECK_FALSE(reply.client_alive());  // the pump stops reading the upstream
  // Nothing more reaches the client: no event, no second error, no end marker.
  reply.stream_raw("data: 6\n\n");
  reply.stream_chunk("{}");
  reply.stream_error(llmgw::canonical::ApiError{502, "api_error", "x", "", "x"});
  reply.stream_end(true);
  CHECK(rec.raw == "data: 1\n\ndata: 2\n\ndata: 3\n\n");
  CHECK(rec.errors.size() == 1);
  CHECK_FALSE(rec.ended);
}

TEST_CASE("metered reply: a stream within its budget is never cut") {
  const llmgw::pricing::ModelPrice p = price();
  StreamMeter meter;
  meter.cut_enabled = true;
  meter.price = &p;
  meter.prompt_tokens = 0;
  meter.headroom_nano = 1'000'000;  // 10 events' worth
  Recording rec;
  MeteredReply reply(std::make_unique<RecordingReply>(rec), meter);
  for (int i = 0; i < 9; ++i) reply.stream_chunk("{}");
  reply.stream_end(true);
  CHECK(rec.chunks.size() == 9);
  CHECK(rec.errors.empty());
  CHECK(rec.ended);
}
