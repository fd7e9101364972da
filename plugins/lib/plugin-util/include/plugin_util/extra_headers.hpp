// merge_extra_headers: extra.headers and then extra.extra_headers (LiteLLM spells it both ways)
// merged into a plugin's one list of upstream headers, for plugins that keep the auth header
// and the extra ones in one list (provider-cohere, -mistral, -ollama). A header named here
// replaces any earlier one of the same name (case-insensitive), the built-in authorization
// included; the value of an auth header (plugin_util::is_auth_header) becomes a secret that
// error messages scrub. Names and values are checked (check_header); errors as
// for_each_header_member's.
#pragma once

#include "plugin_util/config.hpp"
#include "plugin_util/config_json.hpp"

#include <llmgw/plugin.hpp>

#include <rapidjson/document.h>

#include <string>
#include <vector>

namespace llmgw::plugin_util {

inline void merge_extra_headers(const rapidjson::Value& extra, std::vector<Header>& headers, std::vector<std::string>& secrets) {
  for (const char* k : {"headers", "extra_headers"}) {
    for_each_header_member(extra, k, "extra.", [&](std::string name, std::string value) {
      if (is_auth_header(name) && !value.empty()) secrets.push_back(value);
      std::erase_if(headers, [&](const Header& h) { return iequals(h.name, name); });
      headers.push_back(Header{std::move(name), std::move(value)});
    });
  }
}

}  // namespace llmgw::plugin_util
