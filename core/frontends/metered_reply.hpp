// A Reply in front of the dialect's that meters what the call costs (frontends/call_accounting):
//   - whole answers: x-llmgw-cost, the exact cost in USD (pricing/deployment_prices, the same
//     figure as the ledger row), added just before the body leaves (none when no price is known
//     for the deployment);
//   - streams: the status line leaves with the first event, before any usage exists, and HTTP/1.1
//     trailers are ignored by the clients that matter (browsers' fetch, the OpenAI and Anthropic
//     SDKs), so a stream carries no cost header: its cost is in the access record and the ledger
//     row. The events are counted (an upper bound of the output tokens streamed so far), for
//     the cost of a stream that ends without usage (the client left, the budget cut it) and
//     for budget_enforcement: cut — once the streamed estimate has crossed what was left of the
//     budget at admission, the next event is replaced by a budget_exceeded error event (the
//     dialect's terminal error), nothing more is written and the upstream read stops
//     (client_alive() turns false, so the stream pump aborts the upstream).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "pipeline/reply.hpp"
#include "pricing/deployment_prices.hpp"

namespace llmgw::frontends {

/// What the meter knows and learns about one call (owned by its CallAccount).
struct StreamMeter {
  const pricing::DeploymentPrices* prices = nullptr;
  // Set at admission when a budget applies and budget_enforcement is cut.
  bool cut_enabled = false;
  const pricing::ModelPrice* price = nullptr;  // the dearest deployment of the pool
  std::int64_t prompt_tokens = 0;
  std::int64_t headroom_nano = 0;  // budget left at admission (the least over key and team)
  canonical::ApiError cut_error;   // the error event a cut stream ends with
  // Learned.
  std::int64_t events = 0;
  bool cut = false;
  std::int64_t answer_cost_nano = -1;  // whole answers: what x-llmgw-cost said
};

class MeteredReply final : public pipeline::Reply {
 public:
  MeteredReply(std::unique_ptr<pipeline::Reply> inner, StreamMeter& meter) : inner_(std::move(inner)), m_(meter) {}

  void set_upstream_dialect(llmgw_dialect d) override { inner_->set_upstream_dialect(d); }
  void error(const canonical::ApiError& e) override { inner_->error(e); }
  void answer_usage(std::string_view deployment_id, const llmgw_usage& usage) override;
  void json(int status, std::string_view body) override { inner_->json(status, body); }
  void stream_raw(std::string_view bytes) override;
  void stream_chunk(std::string_view chunk_json) override;
  void flush() override { inner_->flush(); }
  boost::asio::awaitable<bool> drain() override { return inner_->drain(); }
  void stream_error(const canonical::ApiError& e) override {
    if (!m_.cut) inner_->stream_error(e);
  }
  void stream_end(bool translated) override {
    if (!m_.cut) inner_->stream_end(translated);
  }
  std::size_t held_partial_bytes() const override { return inner_->held_partial_bytes(); }
  bool committed() const override { return inner_->committed(); }
  bool client_alive() const override { return !m_.cut && inner_->client_alive(); }
  void add_header(std::string_view name, std::string_view value) override { inner_->add_header(name, value); }

 private:
  /// True when the stream must end before the next event; cuts it then.
  bool cut_now();

  std::unique_ptr<pipeline::Reply> inner_;
  StreamMeter& m_;
};

}  // namespace llmgw::frontends
