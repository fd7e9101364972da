#include "limits/resp_command.hpp"

#include <charconv>
#include <cstring>

namespace llmgw::limits {
namespace {

/// Appends `<prefix><n>\r\n` at `p`; returns the end.
char* put_header(char* p, char prefix, std::size_t n) {
  *p++ = prefix;
  p = std::to_chars(p, p + 20, n).ptr;
  *p++ = '\r';
  *p++ = '\n';
  return p;
}

}  // namespace

void format_resp_command(std::span<const std::string_view> argv, std::string& out) {
  constexpr std::size_t kHeader = 1 + 20 + 2;  // prefix, the most digits of a size_t, CRLF
  std::size_t most = kHeader;
  for (std::string_view a : argv) most += kHeader + a.size() + 2;
  out.resize(most);  // (grows the buffer only the first times; the tail is cut below)
  char* p = put_header(out.data(), '*', argv.size());
  for (std::string_view a : argv) {
    p = put_header(p, '$', a.size());
    if (!a.empty()) std::memcpy(p, a.data(), a.size());
    p += a.size();
    *p++ = '\r';
    *p++ = '\n';
  }
  out.resize(static_cast<std::size_t>(p - out.data()));
}

}  // namespace llmgw::limits
