// What a front-end accepts from a client before anything else is looked at (config `server:`).
#pragma once

#include <cstddef>

#include <llmgw/json_depth.hpp>

namespace llmgw::frontends {

struct RequestLimits {
  /// Larger request bodies get 413 (server.max_body_bytes).
  std::size_t max_body_bytes = std::size_t{10} << 20;
  /// Deeper nesting in a request body gets 400, in an upstream answer the core parses a 502
  /// (server.max_json_depth).
  unsigned max_json_depth = llmgw::kJsonMaxDepth;
};

}  // namespace llmgw::frontends
