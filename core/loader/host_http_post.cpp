// llmgw_host.http_post (ABI 1.1): one blocking HTTP POST for a sink, made by the core (plugins
// own no sockets). Runs on the calling sink's own thread, never on an event loop; Poco's
// synchronous client with one deadline for connect, send and receive.
#include "loader/host_table.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/URI.h>

#include <algorithm>
#include <istream>
#include <string>
#include <string_view>

namespace llmgw::loader::host {
namespace {

constexpr std::size_t kMaxResponseBytes = 1024 * 1024;
constexpr uint32_t kDefaultTimeoutMs = 10000;

std::string_view view(llmgw_str s) { return s.len ? std::string_view(s.ptr, s.len) : std::string_view(); }

void say(const llmgw_writer* out, std::string_view text) {
  if (out && out->write) out->write(out->ctx, llmgw_str{text.data(), text.size()});
}

bool clean(std::string_view text) {
  return std::none_of(text.begin(), text.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

}  // namespace

llmgw_status http_post(void*, llmgw_str url_text, const llmgw_header* headers, size_t header_count, llmgw_str body,
                       uint32_t timeout_ms, int32_t* status, const llmgw_writer* response_body) {
  if (status) *status = 0;
  try {
    const Poco::URI url{std::string(view(url_text))};
    if (url.getScheme() != "http" || url.getHost().empty()) {
      say(response_body, url.getScheme() == "https" ? "http_post: https is not supported yet (use an http:// collector)"
                                                    : "http_post: the URL must be absolute http://");
      return LLMGW_BAD_ARGUMENT;
    }
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, url.getPathEtc().empty() ? "/" : url.getPathEtc(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    for (size_t i = 0; i < header_count && headers; ++i) {
      const std::string_view name = view(headers[i].name), value = view(headers[i].value);
      if (name.empty() || !clean(name) || !clean(value) || name.find(':') != std::string_view::npos) {
        say(response_body, "http_post: a header name or value is empty or holds CR, LF, NUL or ':'");
        return LLMGW_BAD_ARGUMENT;
      }
      request.set(std::string(name), std::string(value));
    }
    request.setContentLength(static_cast<std::streamsize>(body.len));
    request.setKeepAlive(false);
    Poco::Net::HTTPClientSession session(url.getHost(), url.getPort());
    const Poco::Timespan timeout(static_cast<long>(timeout_ms ? timeout_ms : kDefaultTimeoutMs) * 1000L);
    session.setTimeout(timeout, timeout, timeout);
    std::ostream& out = session.sendRequest(request);
    if (body.len) out.write(body.ptr, static_cast<std::streamsize>(body.len));
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    std::string answer;
    char buffer[8192];
    while (in && answer.size() < kMaxResponseBytes) {
      in.read(buffer, sizeof buffer);
      answer.append(buffer, static_cast<std::size_t>(in.gcount()));
    }
    if (answer.size() > kMaxResponseBytes) answer.resize(kMaxResponseBytes);
    if (status) *status = static_cast<int32_t>(response.getStatus());
    say(response_body, answer);
    return LLMGW_OK;
  } catch (const std::exception& e) {
    say(response_body, std::string("http_post: ") + e.what());
    return LLMGW_ERROR;
  } catch (...) {
    say(response_body, "http_post: unknown failure");
    return LLMGW_ERROR;
  }
}

}  // namespace llmgw::loader::host
