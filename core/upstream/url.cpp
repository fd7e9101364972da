#include "upstream/url.hpp"

#include <charconv>

namespace llmgw::upstream {

std::optional<Url> parse_url(std::string_view text) {
  Url url;
  auto colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  url.scheme.assign(text.substr(0, colon));
  for (auto& c : url.scheme) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (url.scheme == "echo") {
    url.path_query.assign(1, '/');
    url.origin = "echo:";
    return url;
  }
  if (url.scheme != "http" && url.scheme != "https") return std::nullopt;
  if (text.substr(colon, 3) != "://") return std::nullopt;
  std::string_view rest = text.substr(colon + 3);
  auto path_at = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_at);
  std::string_view path = path_at == std::string_view::npos ? std::string_view() : rest.substr(path_at);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority = authority.substr(at + 1);
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    url.host.assign(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return std::nullopt;
      port_text = authority.substr(close + 2);
    }
  } else {
    auto pc = authority.rfind(':');
    url.host.assign(authority.substr(0, pc));
    if (pc != std::string_view::npos) port_text = authority.substr(pc + 1);
  }
  if (url.host.empty()) return std::nullopt;
  url.port = url.scheme == "https" ? 443 : 80;
  if (!port_text.empty()) {
    unsigned value = 0;
    auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || p != port_text.data() + port_text.size() || value == 0 || value > 65535)
      return std::nullopt;
    url.port = static_cast<unsigned short>(value);
  }
  url.path_query = path.empty() ? std::string("/") : std::string(path);
  if (url.path_query.front() == '?') url.path_query.insert(0, 1, '/');
  url.origin = url.scheme + "://" + url.host + ":" + std::to_string(url.port);
  return url;
}

}  // namespace llmgw::upstream
