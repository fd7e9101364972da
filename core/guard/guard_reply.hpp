// Output guardrails (ingress phase 8): a Reply in front of the client's that judges the answer
// before it goes out. A whole answer is checked at once (guard_chain). A streamed answer goes
// through a StreamGuard: each event's text deltas (OpenAI delta.content and tool-call argument
// deltas, Anthropic text_delta / input_json_delta) are fed to it, and the event leaves with the
// text it released in place of its own (only those JSON strings are rewritten). Text a guardrail
// holds back leaves with a later event, or, when its channel ends (finish_reason,
// content_block_stop, [DONE], message_stop, the end of the stream), in a copy of that channel's
// last delta event just before the end. A block ends the stream with an error event.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "guard/guard_chain.hpp"
#include "guard/segment_extractor.hpp"
#include "guard/stream_guard.hpp"
#include "pipeline/reply.hpp"

namespace llmgw::guard {

class GuardReply final : public pipeline::Reply {
 public:
  /// `chain` and `calls` (the request's guardrail calls; null: none) must outlive the reply, and
  /// so must what `request`'s key_alias and team view (the caller's key record); its alias is
  /// copied.
  GuardReply(std::unique_ptr<pipeline::Reply> client, const GuardChain& chain, llmgw_dialect client_dialect,
             const config::RequestScope& request, unsigned max_depth, GuardCalls* calls = nullptr);
  ~GuardReply() override;

  void set_upstream_dialect(llmgw_dialect dialect) override {
    upstream_ = dialect;
    client_->set_upstream_dialect(dialect);
  }
  void error(const canonical::ApiError& error) override { client_->error(error); }
  void json(int status, std::string_view body) override;
  void stream_raw(std::string_view bytes) override;
  void stream_chunk(std::string_view chunk_json) override;
  void flush() override { client_->flush(); }
  boost::asio::awaitable<bool> drain() override { return client_->drain(); }
  std::optional<bool> drain_now() override { return client_->drain_now(); }
  void stream_error(const canonical::ApiError& error) override;
  void stream_end(bool translated) override;
  std::size_t held_partial_bytes() const override { return client_->held_partial_bytes() + partial_.size(); }
  bool committed() const override { return client_->committed(); }
  bool client_alive() const override { return client_->client_alive(); }
  void add_header(std::string_view name, std::string_view value) override { client_->add_header(name, value); }
  void declare_trailer(std::string_view name) override { client_->declare_trailer(name); }
  void stream_trailer(std::string_view name, std::string_view value) override {
    if (!stopped_) client_->stream_trailer(name, value);
  }

 private:
  struct Channel {
    llmgw_segment_source source;
    int64_t message_index, part_index;
    bool open = true;
    llmgw_dialect dialect;
    bool raw = true;           // the template is a raw SSE event (else a canonical chunk)
    std::string before, after; // the channel's last single-delta event around its text token
  };
  /// The provenance a channel's text is checked with (an assistant answer segment).
  static llmgw_segment segment_of(const Channel& c);
  /// One event's data JSON `data` (inside `event`, at `data_at`) in `dialect`: fed, rewritten,
  /// appended to `out`; copies that release held text come before it. `raw`: SSE bytes.
  void guard_event(std::string_view event, std::size_t data_at, std::size_t data_len, llmgw_dialect dialect,
                   bool raw, std::vector<std::string>& out);
  std::size_t channel_for(const Segment& s, llmgw_dialect dialect, bool raw);
  /// Closes `channel`; a non-empty tail becomes a copy event appended to `out`.
  void close_channel(std::size_t channel, std::vector<std::string>& out);
  void close_all(std::vector<std::string>& out);
  /// A block or failure: the error goes out, the rest of the stream is dropped.
  void fail_stream();
  bool ensure_stream();
  config::RequestScope scope() const { return {alias_, key_alias_, team_}; }

  std::unique_ptr<pipeline::Reply> client_;
  const GuardChain& chain_;
  GuardCalls* calls_;
  llmgw_dialect client_dialect_;
  llmgw_dialect upstream_;
  std::string alias_;
  std::string_view key_alias_, team_;  // the caller's (views: see the constructor)
  unsigned max_depth_;
  std::unique_ptr<StreamGuard> stream_;
  bool no_stream_guards_ = false;
  bool stopped_ = false;     // blocked or failed: nothing more goes out
  std::vector<Channel> channels_;
  std::string partial_;      // raw bytes of an event not complete yet
  std::string released_;     // scratch
};

}  // namespace llmgw::guard
