// A parsed absolute upstream URL.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace llmgw::upstream {

struct Url {
  std::string scheme;       // "http", "https", or "echo" (offline loopback, see loopback.hpp)
  std::string host;
  unsigned short port = 0;
  std::string path_query;   // "/v1/chat/completions?x=y"; "/" when empty
  std::string origin;        // "scheme://host:port": the key of a connection pool
};

/// Parses http(s)://host[:port][/path][?query], [IPv6] hosts, and the bare "echo:" scheme.
std::optional<Url> parse_url(std::string_view text);

}  // namespace llmgw::upstream
