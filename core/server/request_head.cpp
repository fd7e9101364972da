#include "server/request_head.hpp"

#include "util/http_field_line.hpp"
#include "util/http_syntax.hpp"

namespace llmgw::server {
namespace {

using util::fast_field_line;
using util::for_each_list_element;
using util::iequals_lower;
using util::is_field_value;
using util::is_http_token;
using util::trim_ows;

/// The next line from `pos` without its line end; false when `head` has no more lines. A CR
/// that does not end the line is left in it (and refused by the checks that follow).
bool next_line(std::string_view head, std::size_t& pos, std::string_view& line) {
  if (pos >= head.size()) return false;
  std::size_t eol = head.find('\n', pos);
  if (eol == std::string_view::npos) eol = head.size();
  line = head.substr(pos, eol - pos);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  pos = eol + 1;
  return true;
}

HeadError refuse(int status, std::string_view reason) { return HeadError{status, reason}; }

/// "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3); sets the minor version.
HeadError parse_version(std::string_view v, int& minor) {
  if (v.size() != 8 || v.substr(0, 5) != "HTTP/" || v[6] != '.' || v[5] < '0' || v[5] > '9' || v[7] < '0' ||
      v[7] > '9')
    return refuse(400, "invalid HTTP version");
  if (v[5] != '1') return refuse(505, "HTTP version not supported (only HTTP/1.x is served)");
  minor = v[7] - '0';
  return {};
}

/// The request line: method SP request-target SP HTTP-version, single spaces (RFC 9112 §3).
HeadError parse_request_line(std::string_view line, RequestHead& out, const HeadLimits& limits) {
  const std::size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return refuse(400, "malformed request line");
  out.method = line.substr(0, sp1);
  if (!is_http_token(out.method)) return refuse(400, "invalid request method");
  if (out.method.size() > limits.max_method) return refuse(400, "request method too long");
  const std::size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return refuse(400, "malformed request line");
  out.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (out.target.empty()) return refuse(400, "empty request target");
  for (unsigned char c : out.target)
    if (c <= 0x20 || c >= 0x7f) return refuse(400, "invalid character in request target");
  if (out.target.size() > limits.max_target) return refuse(414, "request target too long");
  return parse_version(line.substr(sp2 + 1), out.version_minor);
}

/// Transfer-Encoding (RFC 9112 §6.1, §6.3, §7): chunked must be the final coding and appear
/// once; any other coding is one this server does not implement (501).
HeadError check_transfer_codings(const RequestHead& out) {
  util::TransferCodings codings;
  for (const HeadField& f : out.fields)
    if (iequals_lower(f.name, "transfer-encoding")) codings.add(f.value);
  if (codings.chunked > 1) return refuse(400, "chunked transfer coding applied more than once");
  if (!codings.chunked_last) return refuse(400, "Transfer-Encoding does not end with chunked");
  if (codings.other) return refuse(501, "transfer coding not implemented (only chunked is)");
  return {};
}

}  // namespace

HeadError parse_request_head(std::string_view head, RequestHead& out, const HeadLimits& limits) {
  out.fields.clear();
  out.method = out.target = {};
  out.keep_alive = true;
  out.expect_continue = false;
  out.chunked = false;
  out.content_length = -1;
  if (head.size() > limits.max_head) return refuse(431, "request head too large");
  std::size_t pos = 0;
  std::string_view line;
  if (!next_line(head, pos, line)) return refuse(400, "empty request");
  if (HeadError e = parse_request_line(line, out, limits)) return e;

  int hosts = 0, lengths = 0;
  bool has_te = false, close = false, keep_alive = false;
  std::string_view length_value;
  for (;;) {
    std::string_view name, value;
    if (fast_field_line(head, pos, name, value)) {  // the common line, each byte read once
      if (name.size() > limits.max_name) return refuse(431, "header field name too long");
      if (value.size() > limits.max_value) return refuse(431, "header field value too long");
    } else {  // any other line: checked step by step, each error worded
      if (!next_line(head, pos, line) || line.empty()) break;
      if (line.front() == ' ' || line.front() == '\t')
        return refuse(400, "obsolete line folding is not accepted");  // RFC 9112 §5.2
      const std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) return refuse(400, "header line without a colon");
      name = line.substr(0, colon);
      // A space before the colon is refused (RFC 9112 §5.1), as is any non-token byte.
      if (!is_http_token(name)) return refuse(400, "invalid header field name");
      if (name.size() > limits.max_name) return refuse(431, "header field name too long");
      value = trim_ows(line.substr(colon + 1));
      if (!is_field_value(value)) return refuse(400, "invalid character in header field value");
      if (value.size() > limits.max_value) return refuse(431, "header field value too long");
    }
    if (out.fields.size() >= limits.max_fields) return refuse(431, "too many header fields");
    out.fields.push_back({name, value});
    switch (name.size()) {
      case 4:
        if (iequals_lower(name, "host")) ++hosts;
        break;
      case 6:
        if (iequals_lower(name, "expect")) out.expect_continue = iequals_lower(value, "100-continue");
        break;
      case 10:
        if (iequals_lower(name, "connection"))
          for_each_list_element(value, [&](std::string_view option) {
            if (iequals_lower(option, "close")) close = true;
            else if (iequals_lower(option, "keep-alive")) keep_alive = true;
          });
        break;
      case 14:
        if (iequals_lower(name, "content-length")) {
          ++lengths;
          length_value = value;
        }
        break;
      case 17:
        if (iequals_lower(name, "transfer-encoding")) has_te = true;
        break;
      default:
        break;
    }
  }
  // RFC 9112 §3.2: an HTTP/1.1 request has exactly one Host; no request has two.
  if (hosts > 1) return refuse(400, "more than one Host header");
  if (hosts == 0 && out.version_minor >= 1) return refuse(400, "HTTP/1.1 request without a Host header");
  if (has_te) {
    // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 means faulty framing; with Content-Length
    // the two disagree about where the body ends (the classic smuggling vector): refused.
    if (out.version_minor == 0) return refuse(400, "Transfer-Encoding in an HTTP/1.0 request");
    if (lengths > 0) return refuse(400, "both Content-Length and Transfer-Encoding");
    if (HeadError e = check_transfer_codings(out)) return e;
    out.chunked = true;
  }
  if (lengths > 1) return refuse(400, "more than one Content-Length");
  // Content-Length given once, 1*DIGIT (RFC 9112 §6.3 rule 5: repeated or list values are
  // refused rather than reconciled).
  if (lengths == 1 && (out.content_length = util::parse_content_length(length_value)) < 0)
    return refuse(400, "invalid Content-Length");
  out.keep_alive = !close && (out.version_minor >= 1 || keep_alive);
  return {};
}

std::size_t HeadScanner::find_end(std::string_view in) {
  // A head ends at LF LF or LF CR LF; resume two bytes before the last stop so an end that
  // straddles two reads is still seen.
  std::size_t pos = scanned_ > 2 ? scanned_ - 2 : 0;
  for (pos = in.find('\n', pos); pos != std::string_view::npos; pos = in.find('\n', pos + 1)) {
    std::size_t end = 0;
    if (pos + 1 < in.size() && in[pos + 1] == '\n') end = pos + 2;
    else if (pos + 2 < in.size() && in[pos + 1] == '\r' && in[pos + 2] == '\n') end = pos + 3;
    if (end) {
      scanned_ = 0;
      return end;
    }
  }
  scanned_ = in.size();
  return 0;
}

}  // namespace llmgw::server
