// POST /admin/reload: the master key only (no key, an unknown one, or no master_key configured:
// 401; a virtual key: 403). Reloads the config file (reload/reloader) on a thread of its own,
// never on the event loop, and answers 200 with what changed and what needs a restart, or 400
// with the config error (the running config stays).
#pragma once

#include "policy/gatekeeper.hpp"
#include "reload/reloader.hpp"
#include "server/endpoint.hpp"
#include "server/error_format.hpp"
#include "util/offload.hpp"

namespace llmgw::reload {

class ReloadEndpoint final : public server::Endpoint {
 public:
  ReloadEndpoint(Reloader& reloader, const policy::Gatekeeper& gate, const server::ErrorFormat& errors)
      : reloader_(reloader), gate_(gate), errors_(errors) {}
  boost::asio::awaitable<void> handle(server::Request& request, server::Response& response) override;

 private:
  Reloader& reloader_;
  const policy::Gatekeeper& gate_;
  const server::ErrorFormat& errors_;
  util::BlockingPool pool_{1};
};

}  // namespace llmgw::reload
