// The pipeline's view of a client (pipeline::ClientWatch) over its server connection.
#pragma once

#include "pipeline/call_context.hpp"
#include "server/client_io.hpp"

namespace llmgw::frontends {

class ClientConnectionWatch final : public pipeline::ClientWatch {
 public:
  explicit ClientConnectionWatch(server::ClientIO& io) : io_(io) {}
  void watch(std::function<void()> on_gone) override { io_.watch(std::move(on_gone)); }
  void unwatch() override { io_.unwatch(); }
  bool gone() const override { return io_.gone(); }
  boost::asio::awaitable<bool> sleep_unless_gone(int64_t ms) override { return io_.sleep_unless_gone(ms); }

 private:
  server::ClientIO& io_;
};

}  // namespace llmgw::frontends
