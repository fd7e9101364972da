#include "upstream/response_framing.hpp"

#include <Poco/Net/NetException.h>

#include <string>

#include "util/http_field_line.hpp"
#include "util/http_syntax.hpp"

namespace llmgw::upstream {
namespace {

using Poco::Net::MessageException;
using util::iequals_lower;
using util::trim_ows;

/// The next line of `in` from `pos` without its CRLF / LF; advances `pos` past it.
std::string_view next_line(std::string_view in, std::size_t& pos) {
  std::size_t eol = in.find('\n', pos);
  if (eol == std::string_view::npos) eol = in.size();
  std::string_view line = in.substr(pos, eol - pos);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  pos = eol + 1;
  return line;
}

constexpr std::size_t kMaxFields = 256;
constexpr std::size_t kMaxValue = 64 * 1024;

}  // namespace

ResponseHead parse_response_head(std::string_view in, HeaderLines& headers) {
  ResponseHead head;
  headers.clear();
  head.size = in.size();
  std::size_t pos = 0;
  std::string_view line = next_line(in, pos);
  // status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4)
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || line[7] < '0' || line[7] > '9' || line[8] != ' ')
    throw MessageException("Invalid HTTP version string");
  const bool http10 = line[7] == '0';
  const std::string_view code = line.substr(9, 3);
  if (code[0] < '1' || code[0] > '5' || code[1] < '0' || code[1] > '9' || code[2] < '0' || code[2] > '9' ||
      (line.size() > 12 && line[12] != ' '))
    throw MessageException("Invalid HTTP status code");
  head.status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
  if (!util::is_field_value(line.substr(12))) throw MessageException("Invalid reason phrase");

  bool close = false, keep_alive = false, has_te = false;
  util::TransferCodings codings;
  std::string_view name, value;
  bool value_checked = false;  // fast_field_line has checked `value`'s bytes
  std::string folded;  // the value of `name` when continuation lines were joined to it
  auto emit = [&] {
    if (name.empty()) return;
    std::string_view v = folded.empty() ? value : std::string_view(folded);
    if ((!value_checked || !folded.empty()) && !util::is_field_value(v))
      throw MessageException("Invalid character in upstream header value");
    if (v.size() > kMaxValue) throw MessageException("Upstream header value too long");
    if (headers.count >= kMaxFields) throw MessageException("Too many upstream header fields");
    if (iequals_lower(name, "content-length")) {
      // Repeated values must agree (RFC 9112 §6.3 rule 5); different ones are an invalid response.
      const long long n = util::parse_content_length(v);
      if (n < 0 || (head.content_length >= 0 && n != head.content_length))
        throw MessageException("Invalid Content-Length");
      head.content_length = n;
    } else if (iequals_lower(name, "transfer-encoding")) {
      has_te = true;
      codings.add(v);
    } else if (iequals_lower(name, "connection")) {
      util::for_each_list_element(v, [&](std::string_view option) {
        if (iequals_lower(option, "close")) close = true;
        else if (iequals_lower(option, "keep-alive")) keep_alive = true;
      });
    }
    headers.add(name, v);
    folded.clear();
  };
  while (pos < in.size()) {
    std::string_view next_name, next_value;
    if (util::fast_field_line(in, pos, next_name, next_value)) {  // the common line, each byte read once
      emit();
      name = next_name;
      value = next_value;
      value_checked = true;
      continue;
    }
    line = next_line(in, pos);
    if (line.empty()) break;
    if (line.front() == ' ' || line.front() == '\t') {  // obs-fold: replaced by SP (RFC 9112 §5.2)
      if (name.empty()) throw MessageException("Invalid header continuation");
      if (folded.empty()) folded.assign(value);
      folded += ' ';
      folded += trim_ows(line);
      continue;
    }
    emit();
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) throw MessageException("Invalid header field");
    name = line.substr(0, colon);
    if (!util::is_http_token(name)) throw MessageException("Invalid header field name");
    value = trim_ows(line.substr(colon + 1));
    value_checked = false;
  }
  emit();
  head.keep_alive = !close && (!http10 || keep_alive);
  if (has_te) {
    // RFC 9112 §6.3: Transfer-Encoding overrides Content-Length (and such a connection is not
    // reused); chunked not final means the body runs until the connection closes.
    if (head.content_length >= 0 || http10) head.keep_alive = false;
    head.content_length = -1;
    head.chunked = codings.chunked == 1 && codings.chunked_last;
    if (!head.chunked) head.keep_alive = false;
  }
  return head;
}

}  // namespace llmgw::upstream
