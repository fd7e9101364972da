// The client's request headers as llmgw_header views for providers (no copies).
#pragma once

#include <llmgw/plugin.h>

#include "server/request.hpp"

#include <vector>

namespace llmgw::frontends {

/// Fills `out` with views into `request`'s headers (valid while `request` lives).
inline void header_views(const server::Request& request, std::vector<llmgw_header>& out) {
  out.clear();
  for (const canonical::HeaderField& f : request.headers())
    out.push_back({{f.name.data(), f.name.size()}, {f.value.data(), f.value.size()}});
}

}  // namespace llmgw::frontends
