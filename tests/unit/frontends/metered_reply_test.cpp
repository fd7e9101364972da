// MeteredReply (core/frontends/metered_reply.hpp): x-llmgw-cost on a whole answer is the
// deployment prices' exact figure; a stream declares the trailer before its first event and ends
// with the figure just before its terminal event, held back until then (not when it fails or
// has no price); frontends/stream_terminal finds that event; streams are counted event by event; under
// budget_enforcement: cut the event after the one that crossed the budget is replaced by the
// budget_exceeded error, nothing follows it and the pump is told to stop reading.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "frontends/metered_reply.hpp"
#include "frontends/stream_terminal.hpp"
#include "policy/budget_estimate.hpp"
#include "pricing/decimal_price.hpp"

using llmgw::frontends::MeteredReply;
using llmgw::frontends::StreamMeter;
using llmgw::frontends::terminal_event_at;

namespace {

struct Recording {
  std::string raw;
  std::vector<std::string> chunks, errors;
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::string> declared;
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
  void declare_trailer(std::string_view n) override { r_.declared.emplace_back(n); }
  // The trailer is recorded in place, among the stream's bytes.
  void stream_trailer(std::string_view n, std::string_view v) override {
    r_.raw.append("<").append(n).append("=").append(v).append(">");
  }

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

namespace {

struct Priced {
  llmgw::pricing::PriceTable table = llmgw::pricing::PriceTable::parse(
      R"({"m":{"input_cost_per_token":"0.000001","output_cost_per_token":"0.000002"}})");
  llmgw::pricing::DeploymentPrices prices;
  Priced() { prices.add("d1", "openai", "m", {}, table); }
};

llmgw_usage usage(std::int64_t in, std::int64_t out) {
  llmgw_usage u{};
  u.struct_size = sizeof u;
  u.prompt_tokens = in;
  u.completion_tokens = out;
  u.cached_tokens = u.cache_creation_tokens = u.reasoning_tokens = -1;
  return u;
}

}  // namespace

TEST_CASE("metered reply: an OpenAI stream ends with its cost just before data: [DONE]") {
  Priced p;
  StreamMeter meter;
  meter.prices = &p.prices;
  Recording rec;
  MeteredReply reply(std::make_unique<RecordingReply>(rec), meter);
  reply.set_upstream_dialect(LLMGW_DIALECT_OPENAI_CHAT);
  reply.stream_raw("data: {\"a\":1}\n\n");
  REQUIRE(rec.declared == std::vector<std::string>{"x-llmgw-cost"});  // before the first event left
  CHECK(rec.raw == "data: {\"a\":1}\n\n");
  // The usage event and [DONE] arrive together: [DONE] waits for the usage.
  reply.stream_raw("data: {\"usage\":{}}\n\ndata: [DONE]\n\n");
  CHECK(rec.raw == "data: {\"a\":1}\n\ndata: {\"usage\":{}}\n\n");
  reply.flush();
  reply.stream_usage("d1", usage(1000, 501));
  reply.stream_end(false);
  CHECK(rec.raw == "data: {\"a\":1}\n\ndata: {\"usage\":{}}\n\n<x-llmgw-cost=0.002002>data: [DONE]\n\n");
  CHECK(rec.ended);
  CHECK(meter.answer_cost_nano == 2'002'000);  // the ledger row's figure
  CHECK(meter.events == 3);
}

TEST_CASE("metered reply: an Anthropic stream ends with its cost just before message_stop (CRLF too)") {
  Priced p;
  StreamMeter meter;
  meter.prices = &p.prices;
  Recording rec;
  MeteredReply reply(std::make_unique<RecordingReply>(rec), meter);
  reply.set_upstream_dialect(LLMGW_DIALECT_ANTHROPIC_MESSAGES);
  reply.stream_raw("event: message_delta\r\ndata: {}\r\n\r\nevent: message_stop\r\ndata: {}\r\n\r\n");
  CHECK(rec.raw == "event: message_delta\r\ndata: {}\r\n\r\n");
  reply.stream_usage("d1", usage(10, 20));
  reply.stream_end(false);
  CHECK(rec.raw ==
        "event: message_delta\r\ndata: {}\r\n\r\n<x-llmgw-cost=0.00005>event: message_stop\r\ndata: {}\r\n\r\n");
}

TEST_CASE("metered reply: a translated stream gets its cost before stream_end writes the end marker") {
  Priced p;
  StreamMeter meter;
  meter.prices = &p.prices;
  Recording rec;
  MeteredReply reply(std::make_unique<RecordingReply>(rec), meter);
  reply.stream_chunk("{}");
  reply.stream_chunk("{}");
  CHECK(rec.declared.size() == 1);
  reply.stream_usage("d1", usage(3, 2));
  reply.stream_end(true);
  CHECK(rec.raw == "<x-llmgw-cost=0.000007>");
  CHECK(rec.chunks.size() == 2);
  CHECK(rec.ended);
}

TEST_CASE("metered reply: a stream without usage is charged its estimate, and says so") {
  Priced p;
  StreamMeter meter;
  meter.prices = &p.prices;
  meter.body = R"({"model":"m","messages":[{"role":"user","content":"hello there, how are you today?"}]})";
  Recording rec;
  MeteredReply reply(std::make_unique<RecordingReply>(rec), meter);
  reply.stream_raw("data: 1\n\ndata: 2\n\ndata: [DONE]\n\n");
  reply.stream_usage("d1", usage(-1, -1));
  reply.stream_end(false);
  const std::int64_t prompt = llmgw::policy::estimate_request(meter.body).prompt_tokens;
  REQUIRE(prompt > 0);
  const std::int64_t expected = prompt * 1000 + 3 * 2000;  // one output token per event, [DONE] included
  CHECK(meter.answer_cost_nano == expected);
  CHECK(rec.raw == "data: 1\n\ndata: 2\n\n<x-llmgw-cost=" + llmgw::pricing::format_nano_usd(expected) +
                       ">data: [DONE]\n\n");
  // CallAccount::settle charges the same usage.
  const llmgw_usage charged = llmgw::frontends::charged_stream_usage(usage(-1, -1), meter.events, false, meter.body);
  CHECK(charged.prompt_tokens == prompt);
  CHECK(charged.completion_tokens == 3);
  // A stream that reported its usage is charged exactly that, unless it ended early.
  CHECK(llmgw::frontends::charged_stream_usage(usage(5, 1), 3, false, meter.body).completion_tokens == 1);
  CHECK(llmgw::frontends::charged_stream_usage(usage(5, 1), 3, true, meter.body).completion_tokens == 3);
}

TEST_CASE("metered reply: no cost on a failed stream, an unpriced deployment or without prices") {
  Priced p;
  SECTION("failed: the held end marker goes before the error, no figure") {
    StreamMeter meter;
    meter.prices = &p.prices;
    Recording rec;
    MeteredReply reply(std::make_unique<RecordingReply>(rec), meter);
    reply.stream_raw("data: 1\n\ndata: [DONE]\n\n");
    reply.stream_usage("d1", usage(1, 1));
    reply.stream_error(llmgw::canonical::ApiError{502, "api_error", "truncated_stream", "", "x"});
    CHECK(rec.raw == "data: 1\n\ndata: [DONE]\n\n");
    CHECK(rec.errors == std::vector<std::string>{"truncated_stream"});
    CHECK(meter.answer_cost_nano == -1);
  }
  SECTION("unpriced deployment: the end marker, no figure") {
    StreamMeter meter;
    meter.prices = &p.prices;
    Recording rec;
    MeteredReply reply(std::make_unique<RecordingReply>(rec), meter);
    reply.stream_raw("data: 1\n\ndata: [DONE]\n\n");
    reply.stream_usage("unpriced", usage(1, 1));
    reply.stream_end(false);
    CHECK(rec.raw == "data: 1\n\ndata: [DONE]\n\n");
    CHECK(meter.answer_cost_nano == -1);
  }
  SECTION("no price table: nothing declared, nothing held") {
    StreamMeter meter;
    Recording rec;
    MeteredReply reply(std::make_unique<RecordingReply>(rec), meter);
    reply.stream_raw("data: 1\n\ndata: [DONE]\n\n");
    CHECK(rec.raw == "data: 1\n\ndata: [DONE]\n\n");
    reply.stream_end(false);
    CHECK(rec.declared.empty());
  }
}

TEST_CASE("stream terminal: only a last event that is the dialect's own end is found") {
  constexpr auto npos = std::string_view::npos;
  constexpr auto oa = LLMGW_DIALECT_OPENAI_CHAT;
  constexpr auto an = LLMGW_DIALECT_ANTHROPIC_MESSAGES;
  CHECK(terminal_event_at("data: [DONE]\n\n", oa) == 0);
  CHECK(terminal_event_at("data: x\n\ndata: [DONE]\n\n", oa) == 9);
  CHECK(terminal_event_at("data: x\r\n\r\ndata:[DONE]\r\n\r\n", oa) == 11);
  CHECK(terminal_event_at("data: x\r\rdata: [DONE]\r\r", oa) == 9);
  CHECK(terminal_event_at("data: x\n\n: note\ndata: [DONE]\n\n", oa) == 9);  // a comment before it
  CHECK(terminal_event_at("data: [DONE]\n\ndata: x\n\n", oa) == npos);
  CHECK(terminal_event_at("data: [DONE] \n\n", oa) == npos);
  CHECK(terminal_event_at("data: {\"[DONE]\":1}\n\n", oa) == npos);
  CHECK(terminal_event_at("", oa) == npos);
  CHECK(terminal_event_at("\n\n", oa) == npos);
  CHECK(terminal_event_at("event: message_stop\ndata: {}\n\n", an) == 0);
  CHECK(terminal_event_at("event: ping\ndata: {}\n\nevent:message_stop\ndata: {}\n\n", an) == 22);
  CHECK(terminal_event_at("event: message_delta\ndata: {}\n\n", an) == npos);
  CHECK(terminal_event_at("event: message_stop\ndata: {}\n\n", oa) == npos);  // each dialect its own
  CHECK(terminal_event_at("data: [DONE]\n\n", an) == npos);
}

TEST_CASE("stream terminal: told there is no CR, the LF-only search finds the same event") {
  constexpr auto oa = LLMGW_DIALECT_OPENAI_CHAT;
  constexpr auto an = LLMGW_DIALECT_ANTHROPIC_MESSAGES;
  const std::string_view openai[] = {"data: [DONE]\n\n", "data: x\n\ndata: [DONE]\n\n", "data: x\n\n: note\ndata: [DONE]\n\n",
                                     "data: [DONE]\n\ndata: x\n\n", "data: {\"a\":1}\n\n", "\n\n", ""};
  for (const std::string_view e : openai) {
    INFO(e);
    CHECK(terminal_event_at(e, oa, false) == terminal_event_at(e, oa, true));
  }
  CHECK(terminal_event_at("data: x\n\ndata: [DONE]\n\n", oa, false) == 9);
  CHECK(terminal_event_at("event: ping\ndata: {}\n\nevent:message_stop\ndata: {}\n\n", an, false) == 22);
}
