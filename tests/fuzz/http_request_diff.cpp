// libFuzzer target: our HTTP/1.1 request head parser against a well-kept reference, Boost.Beast's
// http::request_parser (Debian's libboost-dev, header-only), on the same bytes.
// Input: bytes up to the head's end (util::find_head_end); nothing without a complete head.
// Checks: both accept or both refuse, and when both accept they agree on method, target,
// version, chunked, Content-Length and keep-alive. Where RFC 9112 / RFC 9110 let a server
// choose, the harness allows the two to differ; each allowance below names the rule.
// Ours is server::parse_request_head (server/request_head.hpp), which Request::parse runs.
#include "fuzz_util.hpp"
#include "server/request_head.hpp"
#include "util/http_body.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include <cctype>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>
#include <limits>
#include <string>

namespace http = boost::beast::http;

namespace {

/// What a parser made of a head.
struct Head {
  bool ok = false;
  std::string method, target;
  int version = 0;  // 10 * major + minor
  bool chunked = false, keep_alive = false;
  long long content_length = -1;
};

// ---- ours: server/request_head.hpp --------------------------------------------------------
Head ours(std::string_view head) {
  static llmgw::server::RequestHead parsed;  // reused, as a connection reuses it
  Head h;
  if (llmgw::server::parse_request_head(head, parsed)) return h;
  h.ok = true;
  h.method.assign(parsed.method);
  h.target.assign(parsed.target);
  h.version = 10 + parsed.version_minor;
  h.chunked = parsed.chunked;
  h.keep_alive = parsed.keep_alive;
  h.content_length = parsed.content_length;
  return h;
}

// ---- Boost.Beast ---------------------------------------------------------------------------
Head beast(std::string_view head) {
  http::request_parser<http::empty_body> p;
  // Beast refuses a Content-Length over 1 MiB at the head by default: a size policy, not
  // framing (found by this target: "Content-Length:8000000"). Ours refuses at 413 past
  // server.max_body_bytes; compare framing with no limit on Beast's side.
  p.body_limit(std::numeric_limits<std::uint64_t>::max());
  p.header_limit(1u << 20);
  p.eager(false);
  boost::beast::error_code ec;
  p.put(boost::asio::buffer(head.data(), head.size()), ec);
  Head h;
  if (ec || !p.is_header_done()) return h;
  const auto& m = p.get();
  h.ok = true;
  h.method.assign(m.method_string().data(), m.method_string().size());
  h.target.assign(m.target().data(), m.target().size());
  h.version = static_cast<int>(m.version());
  h.chunked = p.chunked();
  h.keep_alive = p.keep_alive();
  if (const auto n = p.content_length()) h.content_length = static_cast<long long>(*n);
  return h;
}

// ---- where the RFCs let them differ --------------------------------------------------------
bool ieq(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

/// True when `v` is a comma-separated list of tokens (empty elements allowed: RFC 9110 §5.6.1).
bool token_list(std::string_view v) {
  for (std::size_t at = 0; at <= v.size();) {
    std::size_t comma = v.find(',', at);
    if (comma == std::string_view::npos) comma = v.size();
    const std::string_view e = trim(v.substr(at, comma - at));
    for (unsigned char c : e)
      if (!(std::isalnum(c) || std::strchr("!#$%&'*+-.^_`|~", c))) return false;
    at = comma + 1;
  }
  return true;
}

/// The RFC rule under which a server may accept or refuse `head` either way, or nullptr when
/// both parsers must agree. `framing_only`: the rule leaves the framing (chunked, length,
/// keep-alive) to the server, though both accept.
const char* latitude(std::string_view head, bool& framing_only) {
  framing_only = false;
  if (head.empty()) return nullptr;
  if (head[0] == '\r' || head[0] == '\n')
    return "RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request-line";
  for (std::size_t i = 0; i < head.size(); ++i)
    if (head[i] == '\n' && (i == 0 || head[i - 1] != '\r'))
      return "RFC 9112 §2.2: a recipient MAY recognize a single LF as a line terminator";
  for (std::size_t i = 0; i + 1 < head.size(); ++i)
    if (head[i] == '\r' && head[i + 1] != '\n')
      return "RFC 9112 §2.2: a bare CR MUST be rejected or replaced with SP (either)";

  std::size_t eol = head.find("\r\n");
  const std::string_view line = head.substr(0, eol);
  // Request-line: SP-separated words, target of visible ASCII, version HTTP/1.0 or HTTP/1.1.
  const std::size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp1 == sp2 || line.find(' ', sp1 + 1) != sp2 ||
      line.find_first_of("\t\v\f") != std::string_view::npos)
    return "RFC 9112 §3: recipients MAY parse the request-line on whitespace-delimited word boundaries";
  const std::string_view method = line.substr(0, sp1), target = line.substr(sp1 + 1, sp2 - sp1 - 1),
                         version = line.substr(sp2 + 1);
  if (method.size() > 32) return "RFC 9110 §9.1: a server may refuse a method it does not implement (501)";
  if (target.size() > 16384) return "RFC 9112 §3: a server MUST answer 414 to a target longer than it parses";
  for (unsigned char c : target)
    if (c <= 0x20 || c >= 0x7f) return "RFC 9112 §3.2: a server SHOULD answer 400 to an invalid request-target (or may accept)";
  if (version != "HTTP/1.1" && version != "HTTP/1.0")
    return "RFC 9110 §2.5 / RFC 9112 §2.3: other versions get 505, or a higher 1.x minor is processed as 1.1";

  int fields = 0, te = 0, cl = 0, host = 0;
  bool connection = false;
  bool te_plain_chunked = true, cl_list = false;
  for (std::size_t pos = eol + 2; pos < head.size();) {
    eol = head.find("\r\n", pos);
    if (eol == std::string_view::npos) eol = head.size();
    const std::string_view field = head.substr(pos, eol - pos);
    pos = eol + 2;
    if (field.empty()) break;
    if (field[0] == ' ' || field[0] == '\t')
      return "RFC 9112 §5.2: obs-fold MUST be rejected (400) or replaced with SP";
    ++fields;
    const std::size_t colon = field.find(':');
    if (colon == std::string_view::npos) continue;  // both must refuse: not a field line
    const std::string_view name = field.substr(0, colon), value = trim(field.substr(colon + 1));
    if (name.size() >= 256 || value.size() >= 8192 || fields > 100)
      return "RFC 6585 §5: a server MAY answer 431 to fields larger than it accepts";
    for (unsigned char c : value) {
      if ((c < 0x20 && c != '\t') || c == 0x7f)
        return "RFC 9110 §5.5: a field value with CTLs is invalid; CR, LF, NUL MUST be rejected or replaced";
      if (c >= 0x80) return "RFC 9110 §5.5: obs-text (%x80-FF) in a field value is allowed, as opaque data (Beast refuses it)";
    }
    if (ieq(name, "transfer-encoding")) {
      ++te;
      te_plain_chunked = te_plain_chunked && ieq(value, "chunked");
    } else if (ieq(name, "content-length")) {
      ++cl;
      if (value.size() > 7)  // over Beast's default body limit (and any sane one): size, not framing
        return "RFC 9110 §15.5.14: a server may refuse a body larger than it accepts (413; Beast at the head, we at the body)";
      cl_list = cl_list || value.find(',') != std::string_view::npos;
    } else if (ieq(name, "host")) {
      ++host;
    } else if (ieq(name, "connection")) {
      connection = true;
      if (!token_list(value))
        return "RFC 9110 §7.6.1: Connection is a list of tokens; a malformed one may be refused or its options ignored";
    }
  }
  if (te && (te > 1 || !te_plain_chunked))
    return "RFC 9112 §6.1: a transfer coding the server does not implement gets 501; §6.3(4): chunked must be final";
  if (te && cl) return "RFC 9112 §6.3(3): a request with Transfer-Encoding and Content-Length MAY be rejected";
  if (te && version == "HTTP/1.0")
    return "RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message means faulty framing (we refuse; Beast accepts)";
  if (cl > 1 || cl_list)
    return "RFC 9110 §8.6: a list of identical Content-Length values MAY be accepted as one, or rejected";
  if (host > 1 || (version == "HTTP/1.1" && host == 0))
    return "RFC 9112 §3.2: a server MUST answer 400 to HTTP/1.1 without Host, or any request with two (Beast does not check)";
  if (connection) {
    framing_only = true;
    return "RFC 9112 §9.3: Connection options decide keep-alive (a list holding close, unknown options)";
  }
  return nullptr;
}

/// Prints a disagreement before the target aborts on it.
void report(const char* what, std::string_view head, const Head& a, const Head& b) {
  std::fprintf(stderr, "http_request_diff: %s\n  ours:  ok=%d method=%s target=%s version=%d chunked=%d length=%lld keep_alive=%d\n"
                       "  beast: ok=%d method=%s target=%s version=%d chunked=%d length=%lld keep_alive=%d\n  head: ",
               what, a.ok, a.method.c_str(), a.target.c_str(), a.version, a.chunked, a.content_length, a.keep_alive, b.ok,
               b.method.c_str(), b.target.c_str(), b.version, b.chunked, b.content_length, b.keep_alive);
  for (unsigned char c : head) std::fprintf(stderr, c >= 0x20 && c < 0x7f && c != '\\' ? "%c" : "\\x%02x", c);
  std::fputc('\n', stderr);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t end = llmgw::util::find_head_end(input);
  if (end == 0) return 0;
  const std::string_view head = input.substr(0, end);
  const Head a = ours(head), b = beast(head);

  bool framing_only = false;
  const char* rule = latitude(head, framing_only);
  if (a.ok != b.ok) {
    if (rule && !framing_only) return 0;
    report("one accepts, the other refuses", head, a, b);
    std::abort();
  }
  if (!a.ok) return 0;
  const bool same_line = a.method == b.method && a.target == b.target && a.version == b.version;
  const bool same_framing = a.chunked == b.chunked && (a.chunked || a.content_length == b.content_length) &&
                            (framing_only || a.keep_alive == b.keep_alive);
  if (same_line && (same_framing || (rule && !framing_only))) return 0;
  report("both accept, but read it differently", head, a, b);
  std::abort();
}
