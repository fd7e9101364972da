#include "upstream/response_framing.hpp"

#include <Poco/Net/NetException.h>

#include <charconv>
#include <string>

namespace llmgw::upstream {
namespace {

using Poco::Net::MessageException;

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;  // ASCII letters and '-'
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

/// The next line of `in` from `pos` without its CRLF / LF; advances `pos` past it.
std::string_view next_line(std::string_view in, std::size_t& pos) {
  std::size_t eol = in.find('\n', pos);
  if (eol == std::string_view::npos) eol = in.size();
  std::string_view line = in.substr(pos, eol - pos);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  pos = eol + 1;
  return line;
}

}  // namespace

ResponseHead parse_response_head(std::string_view in, HeaderLines& headers) {
  ResponseHead head;
  headers.clear();
  head.size = in.size();
  std::size_t pos = 0;
  std::string_view line = next_line(in, pos);
  // "HTTP/1.1 200 OK"
  const std::size_t sp = line.find(' ');
  if (sp == std::string_view::npos || line.substr(0, 5) != "HTTP/") throw MessageException("Invalid HTTP version string");
  std::string_view version = line.substr(0, sp);
  std::string_view rest = trim(line.substr(sp + 1));
  std::string_view code = rest.substr(0, rest.find(' '));
  auto [end, ec] = std::from_chars(code.data(), code.data() + code.size(), head.status);
  if (ec != std::errc() || end != code.data() + code.size() || code.size() != 3)
    throw MessageException("Invalid HTTP status code");
  std::string_view connection;

  std::string_view name, value;
  std::string folded;  // the value of `name` when continuation lines were joined to it
  auto emit = [&] {
    if (name.empty()) return;
    std::string_view v = folded.empty() ? value : std::string_view(folded);
    if (iequals(name, "content-length")) {
      long long n = -1;
      auto [p, err] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (err != std::errc() || p != v.data() + v.size() || n < 0) throw MessageException("Invalid Content-Length");
      head.content_length = n;
    } else if (iequals(name, "transfer-encoding")) {
      head.chunked = iequals(v, "chunked");
    } else if (iequals(name, "connection")) {
      connection = v;
    }
    headers.add(name, v);
    folded.clear();
  };
  while (pos < in.size()) {
    line = next_line(in, pos);
    if (line.empty()) break;
    if (line.front() == ' ' || line.front() == '\t') {  // obsolete folding: joined with one space
      if (name.empty()) throw MessageException("Invalid header continuation");
      if (folded.empty()) folded.assign(value);
      folded += ' ';
      folded += trim(line);
      continue;
    }
    emit();
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) throw MessageException("Invalid header field");
    name = line.substr(0, colon);
    value = trim(line.substr(colon + 1));
  }
  emit();
  // Poco's rule, as before: any Connection value but "close" keeps it; none: HTTP/1.1 does.
  head.keep_alive = connection.empty() ? version == "HTTP/1.1" : !iequals(connection, "close");
  return head;
}

}  // namespace llmgw::upstream
