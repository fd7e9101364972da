// The client's request headers as llmgw_header views for providers (no copies).
#pragma once

#include <llmgw/plugin.h>

#include <Poco/Net/HTTPServerRequest.h>

#include <vector>

namespace llmgw::frontends {

/// Fills `out` with views into `request`'s headers (valid while `request` lives).
inline void header_views(const Poco::Net::HTTPServerRequest& request, std::vector<llmgw_header>& out) {
  out.clear();
  for (const auto& [name, value] : request)
    out.push_back({{name.data(), name.size()}, {value.data(), value.size()}});
}

}  // namespace llmgw::frontends
