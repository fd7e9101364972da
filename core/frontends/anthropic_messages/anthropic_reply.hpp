// pipeline::Reply for Anthropic-dialect clients: relays Anthropic upstream bytes unchanged
// (passthrough), or translates canonical answers and chunks into Messages JSON / SSE events.
#pragma once

#include <llmgw/sse.hpp>

#include "server/response.hpp"

#include <ostream>
#include <string>

#include "frontends/anthropic_messages/stream_encoder.hpp"
#include "pipeline/reply.hpp"

namespace llmgw::frontends {

class AnthropicReply final : public pipeline::Reply {
 public:
  /// `max_json_depth`: the deepest canonical answer or chunk translated; a deeper one is a 502
  /// (a whole response when nothing went out yet, else an error event ending the stream).
  /// `count_tokens`: the answers are count_tokens', which every provider writes in Anthropic's
  /// shape ({"input_tokens": N}, ABI 1.2 LLMGW_CAP_COUNT_TOKENS): never translated.
  AnthropicReply(server::Response& response, std::string client_model,
                 unsigned max_json_depth = llmgw::kJsonMaxDepth, bool count_tokens = false)
      : response_(response), client_model_(client_model), max_json_depth_(max_json_depth),
        encoder_(std::move(client_model), max_json_depth), count_tokens_(count_tokens) {}

  void set_upstream_dialect(llmgw_dialect dialect) override {
    translate_ = !count_tokens_ && dialect != LLMGW_DIALECT_ANTHROPIC_MESSAGES;
  }
  void error(const canonical::ApiError& error) override;
  void json(int status, std::string_view body) override;
  void stream_raw(std::string_view bytes) override;
  void stream_chunk(std::string_view chunk_json) override;
  void flush() override;
  boost::asio::awaitable<bool> drain() override;
  std::optional<bool> drain_now() override;
  void stream_error(const canonical::ApiError& error) override;
  void stream_end(bool translated) override;
  bool committed() const override { return out_ != nullptr || refused_; }
  bool client_alive() const override { return alive_; }
  void add_header(std::string_view name, std::string_view value) override;
  void declare_trailer(std::string_view name) override { response_.declare_trailer(name); }
  void stream_trailer(std::string_view name, std::string_view value) override;

 private:
  void write(std::string_view bytes);
  /// The encoder refused a chunk: answer its error, and take nothing more from this stream.
  void refuse();

  server::Response& response_;
  std::string client_model_;
  unsigned max_json_depth_;
  anthropic::MessagesStreamEncoder encoder_;
  llmgw::SseFramer framer_;  // canonical SSE bytes from an OpenAI-shaped upstream
  std::string events_;       // encoded events waiting to be written
  std::string note_;         // a translated stream's trailer comment line, for finish()
  std::ostream* out_ = nullptr;
  bool count_tokens_ = false;
  bool translate_ = false;
  bool alive_ = true;
  bool refused_ = false;  // a chunk was refused and its error answered: the stream is over
};

}  // namespace llmgw::frontends
