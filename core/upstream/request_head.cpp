#include "upstream/request_head.hpp"

#include <charconv>

namespace llmgw::upstream {
namespace {

bool is_host(std::string_view name) {
  return name.size() == 4 && (name[0] | 0x20) == 'h' && (name[1] | 0x20) == 'o' && (name[2] | 0x20) == 's' &&
         (name[3] | 0x20) == 't';
}

void append_number(std::string& out, unsigned long long v) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, v);
  out.append(digits, end);
}

}  // namespace

void build_request_head(std::string& out, std::string_view method, const Url& url,
                        const std::vector<std::pair<std::string, std::string>>* headers, std::size_t header_count,
                        std::size_t body_size, std::size_t reserve_extra) {
  out.clear();
  out.reserve(512 + reserve_extra);
  out.append(method).append(" ").append(url.path_query).append(" HTTP/1.1\r\nContent-Length: ");
  append_number(out, body_size);
  out.append("\r\nConnection: Keep-Alive\r\n");
  bool has_host = false;
  if (headers)
    for (std::size_t i = 0; i < header_count && i < headers->size(); ++i) {
      const auto& [name, value] = (*headers)[i];
      has_host = has_host || is_host(name);
      out.append(name).append(": ").append(value).append("\r\n");
    }
  if (!has_host) {
    out.append("Host: ");
    if (url.host.find(':') != std::string::npos) out.append("[").append(url.host).append("]");
    else out.append(url.host);
    if (url.port != 80 && url.port != 443) {
      out.push_back(':');
      append_number(out, url.port);
    }
    out.append("\r\n");
  }
  out.append("\r\n");
}

}  // namespace llmgw::upstream
