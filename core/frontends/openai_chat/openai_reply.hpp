// pipeline::Reply for OpenAI-dialect clients: JSON bodies, SSE "data:" streams, OpenAI errors.
#pragma once

#include "server/response.hpp"

#include <ostream>

#include "pipeline/reply.hpp"

namespace llmgw::frontends {

class OpenAIReply final : public pipeline::Reply {
 public:
  explicit OpenAIReply(server::Response& response) : response_(response) {}

  /// OpenAI clients only reach OpenAI-shaped (canonical) answers: nothing to translate.
  void set_upstream_dialect(llmgw_dialect) override {}
  void error(const canonical::ApiError& error) override;
  void json(int status, std::string_view body) override;
  void stream_raw(std::string_view bytes) override;
  void stream_chunk(std::string_view chunk_json) override;
  void flush() override;
  boost::asio::awaitable<bool> drain() override;
  std::optional<bool> drain_now() override;
  void stream_error(const canonical::ApiError& error) override;
  void stream_end(bool translated) override;
  bool committed() const override { return out_ != nullptr; }
  bool client_alive() const override { return alive_; }
  void add_header(std::string_view name, std::string_view value) override;
  void declare_trailer(std::string_view name) override { response_.declare_trailer(name); }
  void stream_trailer(std::string_view name, std::string_view value) override;

 private:
  void commit_stream();
  void write(std::string_view bytes, bool flush);

  server::Response& response_;
  std::ostream* out_ = nullptr;
  bool alive_ = true;
};

}  // namespace llmgw::frontends
