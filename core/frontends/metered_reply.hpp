// A Reply in front of the dialect's that meters what the call costs (frontends/call_accounting):
//   - whole answers: x-llmgw-cost, the exact cost in USD (pricing/deployment_prices, the same
//     figure as the ledger row), added just before the body leaves (none when no price is known
//     for the deployment);
//   - streams: the status line leaves with the first event, before any usage exists, so the head
//     declares `Trailer: x-llmgw-cost` and the figure ends the stream twice: as the SSE comment
//     line `: x-llmgw-cost: 0.000123` just before the dialect's terminal event (`data: [DONE]`,
//     `event: message_stop`; SSE clients skip comments, and the OpenAI and Anthropic SDKs do),
//     which is held back here until the usage is known, and as an HTTP/1.1 chunked trailer (for
//     clients that read trailers). A stream that fails, is cut or has no priced deployment ends
//     without either. The events are counted (an upper bound of the output tokens streamed so
//     far), for the cost of a stream that ends without usage (the client left, the budget cut
//     it, the provider reported none) and for budget_enforcement: cut — once the streamed
//     estimate has crossed what was left of the budget at admission, the next event is replaced
//     by a budget_exceeded error event (the dialect's terminal error), nothing more is written
//     and the upstream read stops (client_alive() turns false, so the stream pump aborts the
//     upstream).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "pipeline/reply.hpp"
#include "pricing/deployment_prices.hpp"
#include "telemetry/response_facts.hpp"

namespace llmgw::frontends {

/// What the meter knows and learns about one call (owned by its CallAccount).
struct StreamMeter {
  const pricing::DeploymentPrices* prices = nullptr;
  std::string_view body;  // the request as sent (the prompt estimate of a stream without usage)
  // Set at admission when a budget applies and budget_enforcement is cut.
  bool cut_enabled = false;
  const pricing::ModelPrice* price = nullptr;  // the dearest deployment of the pool
  std::int64_t prompt_tokens = 0;
  std::int64_t headroom_nano = 0;  // budget left at admission (the least over key and team)
  canonical::ApiError cut_error;   // the error event a cut stream ends with
  // Learned.
  std::int64_t events = 0;
  bool cut = false;
  std::int64_t answer_cost_nano = -1;  // what x-llmgw-cost said (a whole answer, or a stream's end)
  // The answer's id, model and finish reasons (gen_ai.response.*), read off the answer as it
  // passes; null: not wanted (no sink configured), nothing read.
  telemetry::ResponseFacts* response = nullptr;
};

/// The usage a stream is charged: the provider's report; for a stream that ended `early` (cut,
/// the client left, broken) or reported nothing, at least one output token per event relayed,
/// and the prompt's estimate from `body` when the input half is missing.
llmgw_usage charged_stream_usage(llmgw_usage reported, std::int64_t events, bool early, std::string_view body);

class MeteredReply final : public pipeline::Reply {
 public:
  MeteredReply(std::unique_ptr<pipeline::Reply> inner, StreamMeter& meter) : inner_(std::move(inner)), m_(meter) {}

  void set_upstream_dialect(llmgw_dialect d) override {
    upstream_ = d;
    inner_->set_upstream_dialect(d);
  }
  void error(const canonical::ApiError& e) override { inner_->error(e); }
  void answer_usage(std::string_view deployment_id, const llmgw_usage& usage) override;
  void json(int status, std::string_view body) override;
  void stream_raw(std::string_view bytes) override;
  void stream_chunk(std::string_view chunk_json) override;
  void flush() override { inner_->flush(); }
  boost::asio::awaitable<bool> drain() override { return inner_->drain(); }
  std::optional<bool> drain_now() override { return inner_->drain_now(); }
  void stream_usage(std::string_view deployment_id, const llmgw_usage& usage) override;
  void stream_error(const canonical::ApiError& e) override;
  void stream_end(bool translated) override;
  std::size_t held_partial_bytes() const override { return inner_->held_partial_bytes(); }
  bool committed() const override { return inner_->committed(); }
  bool client_alive() const override { return !m_.cut && inner_->client_alive(); }
  void add_header(std::string_view name, std::string_view value) override { inner_->add_header(name, value); }

 private:
  /// True when the stream must end before the next event; cuts it then.
  bool cut_now();
  /// Before the first event: declares the trailer when a price table is loaded.
  void begin_stream();
  /// Passes `events` on, holding back the terminal event (and anything after it) while a cost
  /// may still have to go out before it.
  void pass_raw(std::string_view events, bool has_cr);  // has_cr: `events` may hold a CR

  std::unique_ptr<pipeline::Reply> inner_;
  StreamMeter& m_;
  llmgw_dialect upstream_ = LLMGW_DIALECT_OPENAI_CHAT;
  bool began_ = false;
  const pricing::ModelPrice* stream_price_ = nullptr;  // stream_usage: the answering deployment's
  llmgw_usage stream_usage_{};
  std::string held_;  // the terminal event and what followed it
};

}  // namespace llmgw::frontends
