// llmgw_host.http_post (ABI 1.1): one blocking HTTP or HTTPS POST for a sink, made by the core
// (plugins own no sockets). Runs on the calling sink's own thread, never on an event loop; Poco's
// synchronous client with one deadline for connect, send and receive. HTTPS verifies the
// collector's certificate chain against the system trust store (SSL_CERT_FILE / SSL_CERT_DIR
// honoured, as for upstreams) and its name or IP address against the URL's host.
#include "loader/host_table.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/URI.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <istream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace llmgw::loader::host {
namespace {

constexpr std::size_t kMaxResponseBytes = 1024 * 1024;
constexpr uint32_t kDefaultTimeoutMs = 10000;
constexpr std::size_t kMaxContexts = 64;  // TLS contexts kept (one per collector host)

std::string_view view(llmgw_str s) { return s.len ? std::string_view(s.ptr, s.len) : std::string_view(); }

void say(const llmgw_writer* out, std::string_view text) {
  if (out && out->write) out->write(out->ctx, llmgw_str{text.data(), text.size()});
}

bool clean(std::string_view text) {
  return std::none_of(text.begin(), text.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

/// The TLS client context for https:// POSTs to `host`: the peer's chain is verified against the
/// system trust store, and OpenSSL checks during the handshake that the certificate names `host`
/// (a DNS name, or an IP address in its subjectAltName). The name is set on the context (Poco
/// has no per-connection hook before the handshake, and its own name check exempts loopback
/// addresses), so there is one context per host, kept for the few hosts sinks post to.
Poco::Net::Context::Ptr tls_context(const std::string& host) {
  static std::once_flag ssl_initialised;
  std::call_once(ssl_initialised, [] { Poco::Net::initializeSSL(); });
  static std::mutex mutex;
  static std::map<std::string, Poco::Net::Context::Ptr> contexts;
  std::lock_guard lock(mutex);  // sink threads only, never an event loop
  if (const auto it = contexts.find(host); it != contexts.end()) return it->second;
  Poco::Net::Context::Params params;
  params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;  // the peer's chain is verified
  params.verificationDepth = 9;
  params.loadDefaultCAs = true;  // OpenSSL's default paths: honours SSL_CERT_FILE / SSL_CERT_DIR
  params.cipherList = "HIGH:!aNULL:!MD5";
  Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
  X509_VERIFY_PARAM* verify = SSL_CTX_get0_param(context->sslContext());
  X509_VERIFY_PARAM_set_hostflags(verify, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  const int named = X509_VERIFY_PARAM_set1_ip_asc(verify, host.c_str()) == 1 ||
                    X509_VERIFY_PARAM_set1_host(verify, host.c_str(), host.size()) == 1;
  if (!named) throw Poco::Net::SSLException("cannot check certificates against the host name " + host);
  if (contexts.size() < kMaxContexts) contexts.emplace(host, context);
  return context;
}

}  // namespace

llmgw_status http_post(void*, llmgw_str url_text, const llmgw_header* headers, size_t header_count, llmgw_str body,
                       uint32_t timeout_ms, int32_t* status, const llmgw_writer* response_body) {
  if (status) *status = 0;
  try {
    const Poco::URI url{std::string(view(url_text))};
    const bool tls = url.getScheme() == "https";
    if ((!tls && url.getScheme() != "http") || url.getHost().empty()) {
      say(response_body, "http_post: the URL must be absolute http:// or https://");
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
    std::unique_ptr<Poco::Net::HTTPClientSession> owned =
        tls ? std::make_unique<Poco::Net::HTTPSClientSession>(url.getHost(), url.getPort(), tls_context(url.getHost()))
            : std::make_unique<Poco::Net::HTTPClientSession>(url.getHost(), url.getPort());
    Poco::Net::HTTPClientSession& session = *owned;
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
  } catch (const Poco::Exception& e) {  // displayText: what failed and why (a TLS verification, a refusal)
    say(response_body, "http_post: " + e.displayText());
    return LLMGW_ERROR;
  } catch (const std::exception& e) {
    say(response_body, std::string("http_post: ") + e.what());
    return LLMGW_ERROR;
  } catch (...) {
    say(response_body, "http_post: unknown failure");
    return LLMGW_ERROR;
  }
}

}  // namespace llmgw::loader::host
