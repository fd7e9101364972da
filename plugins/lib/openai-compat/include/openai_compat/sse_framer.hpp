// The SSE framer lives in the SDK (llmgw/sse.hpp) so that every plugin and the core share it.
#pragma once

#include <llmgw/sse.hpp>

namespace llmgw::openai_compat {
using SseFramer = llmgw::SseFramer;
}  // namespace llmgw::openai_compat
