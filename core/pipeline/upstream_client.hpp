// The upstream client the pipeline calls through, and this loop's connection pool.
#pragma once

#include "upstream/offload_exchange.hpp"

namespace llmgw::pipeline {

namespace upstream_client = upstream::offload;

}  // namespace llmgw::pipeline
