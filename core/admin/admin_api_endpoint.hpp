// The admin API (issue 11), master key only: virtual keys (/key/generate, /key/update,
// /key/delete, /key/info, /key/list, /key/block, /key/unblock), teams (/team/new, /team/update,
// /team/delete, /team/info, /team/list) and spend (/spend/logs, /spend/report), with LiteLLM's
// paths and field names. JSON in and out; bodies bounded by server.max_body_bytes and
// max_json_depth. The database is only ever called on a small pool of its own (util/offload),
// never on an event loop; after a write the key cache is refreshed there too, so this instance
// sees the change at once (others within their refresh interval).
#pragma once

#include <cstddef>

#include "policy/key_cache.hpp"
#include "policy/master_key_auth.hpp"
#include "server/endpoint.hpp"
#include "server/error_format.hpp"
#include "store/database.hpp"
#include "util/offload.hpp"

namespace llmgw::admin {

class AdminApiEndpoint final : public server::Endpoint {
 public:
  AdminApiEndpoint(const store::Database& db, policy::KeyCache& keys, const policy::MasterKeyAuth& master,
                   const server::ErrorFormat& errors, std::size_t max_body_bytes, unsigned max_json_depth);
  boost::asio::awaitable<void> handle(server::Request& request,
                                      server::Response& response) override;

  /// Every path it serves, with its method.
  struct Route {
    const char* method;
    const char* path;
  };
  static const Route kRoutes[15];

 private:
  const store::Database& db_;
  policy::KeyCache& keys_;
  const policy::MasterKeyAuth& master_;
  const server::ErrorFormat& errors_;
  std::size_t max_body_bytes_;
  unsigned max_json_depth_;
  util::BlockingPool pool_{2};
};

}  // namespace llmgw::admin
