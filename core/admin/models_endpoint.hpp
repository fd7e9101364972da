// GET /v1/models: the configured aliases in OpenAI's list shape. The body is built once per
// gateway (again after a config reload swapped it).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "admin/runtime_view.hpp"
#include "policy/gatekeeper.hpp"
#include "server/endpoint.hpp"
#include "server/error_format.hpp"

namespace llmgw::admin {

class ModelsEndpoint final : public server::Endpoint {
 public:
  /// `errors`: the shape of its refusals (must outlive the endpoint).
  ModelsEndpoint(RuntimeView runtime, const policy::Gatekeeper& gate, const server::ErrorFormat& errors);
  boost::asio::awaitable<void> handle(server::Request& request,
                                      server::Response& response) override;

 private:
  /// The list's body for the gateway serving now.
  std::shared_ptr<const std::string> body();

  RuntimeView runtime_;
  const policy::Gatekeeper& gate_;
  const server::ErrorFormat& errors_;
  std::mutex mutex_;                                   // body_ and body_of_
  std::shared_ptr<const std::string> body_;
  std::weak_ptr<const pipeline::Gateway> body_of_;     // the gateway body_ lists
};

}  // namespace llmgw::admin
