#include "reload/reload_endpoint.hpp"

#include "policy/presented_key.hpp"
#include "server/request.hpp"
#include "server/send.hpp"

namespace llmgw::reload {

boost::asio::awaitable<void> ReloadEndpoint::handle(server::Request& request, server::Response& response) {
  policy::Caller caller;
  if (auto rejected = gate_.identify(request.headers(), caller)) {
    rejected->close_connection = true;  // its body is not read
    server::send_error(response, *rejected, errors_);
    co_return;
  }
  if (caller.kind == policy::Caller::Kind::VirtualKey) {
    canonical::ApiError forbidden{403, "invalid_request_error", "forbidden", "",
                                  "Reloading the config needs the master key; a virtual key may not do it."};
    forbidden.close_connection = true;
    server::send_error(response, forbidden, errors_);
    co_return;
  }
  if (caller.kind != policy::Caller::Kind::Master) {  // no master_key configured: nobody may
    auto off = policy::unauthorized("Reloading the config needs the master key, and none is configured.");
    off.close_connection = true;
    server::send_error(response, off, errors_);
    co_return;
  }
  std::string ignored;  // a body, if any, says nothing: read (bounded) so the connection may be reused
  const server::Request::Body read = co_await request.read_body(ignored, 64 * 1024);
  (void)read;
  const ReloadResult result = co_await util::offload(pool_, [this] { return reloader_.reload(); });
  if (result.ok) {
    server::send_json(response, 200, result.json(reloader_.config_path()));
  } else {
    // The OpenAI error shape (as every admin answer), with the config error as its message.
    server::send_error(response,
                       canonical::ApiError{400, "invalid_request_error", "config_invalid", "",
                                           "The config was not reloaded (the running one stays): " + result.error},
                       errors_);
  }
}

}  // namespace llmgw::reload
