// The upstream client the pipeline calls through: the asynchronous HTTP/1.1 client on this
// call's event loop, with that loop's connection pool (Gateway::loop_pool).
#pragma once

#include "upstream/async_exchange.hpp"
#include "upstream/async_pool.hpp"

namespace llmgw::pipeline {

namespace upstream_client = upstream;

}  // namespace llmgw::pipeline
