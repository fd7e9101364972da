// How a client dialect shapes an error: the status it answers with and its JSON body. Each
// front-end registers its format with its routes (RouteTable::add); the server answers its own
// errors (404, 405, 408, 413, 431…) in the format of the route the request was for, and knows
// no dialect itself.
#pragma once

#include <string>

#include "canonical/api_error.hpp"

namespace llmgw::server {

struct ErrorFormat {
  /// The HTTP status to answer `error` with (a dialect may narrow it, e.g. to 400–599).
  int (*status)(const canonical::ApiError& error);
  /// The JSON body of `error`.
  std::string (*body)(const canonical::ApiError& error);
};

}  // namespace llmgw::server
