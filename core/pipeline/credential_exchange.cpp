#include "pipeline/credential_exchange.hpp"

#include <algorithm>
#include <cstddef>
#include <string_view>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include "pipeline/provider_io.hpp"
#include "upstream/url.hpp"

namespace llmgw::pipeline {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr std::chrono::milliseconds kRetryAfterFailure{30'000};
constexpr std::chrono::milliseconds kExchangeTimeout{10'000};
constexpr std::size_t kMaxAnswerBytes = 1 << 20;  // a token answer is a few KB

llmgw_str str(std::string_view s) { return llmgw_str{s.data(), s.size()}; }

/// Collects one line written by a hook.
llmgw_writer line_writer(std::string* out) {
  llmgw_writer w{};
  w.ctx = out;
  w.write = [](void* c, llmgw_str b) { if (b.ptr) static_cast<std::string*>(c)->append(b.ptr, b.len); };
  return w;
}

http::request<http::string_body> make_request(const std::string& method, const upstream::Url& u, const Headers& headers,
                                              const std::string& body) {
  http::request<http::string_body> req;
  req.method_string(method);
  req.target(u.path_query);
  req.version(11);
  const bool default_port = (u.scheme == "https" && u.port == 443) || (u.scheme == "http" && u.port == 80);
  req.set(http::field::host, default_port ? u.host : u.host + ":" + std::to_string(u.port));
  for (const auto& [name, value] : headers) req.insert(name, value);
  req.set(http::field::connection, "close");
  req.body() = body;
  req.prepare_payload();
  return req;
}

CredentialAnswer answer_of(http::response_parser<http::string_body>& parser) {
  CredentialAnswer a;
  auto& res = parser.get();
  a.status = static_cast<int>(res.result_int());
  for (const auto& f : res) a.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  a.body = std::move(res.body());
  return a;
}

/// Runs `io` until the exchange finished or `timeout` passed; false on timeout.
bool run_within(asio::io_context& io, std::chrono::milliseconds timeout) {
  io.run_for(timeout);
  if (!io.stopped()) {
    io.stop();
    return false;
  }
  return true;
}

}  // namespace

CredentialAnswer send_credential_request(const std::string& method, const std::string& url, const Headers& headers,
                                         const std::string& body, std::chrono::milliseconds timeout) {
  CredentialAnswer failed;
  const std::optional<upstream::Url> u = upstream::parse_url(url);
  if (!u || (u->scheme != "http" && u->scheme != "https")) {
    failed.failure = "not an http(s) URL: " + url;
    return failed;
  }
  try {
    asio::io_context io;
    http::request<http::string_body> req = make_request(method, *u, headers, body);
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxAnswerBytes);
    beast::flat_buffer buffer;
    beast::error_code result = asio::error::timed_out;
    const std::string port = std::to_string(u->port);
    tcp::resolver resolver(io);
    if (u->scheme == "http") {
      beast::tcp_stream stream(io);
      stream.expires_after(timeout);
      resolver.async_resolve(u->host, port, [&](beast::error_code ec, tcp::resolver::results_type r) {
        if (ec) { result = ec; return; }
        stream.async_connect(r, [&](beast::error_code ec2, const tcp::endpoint&) {
          if (ec2) { result = ec2; return; }
          http::async_write(stream, req, [&](beast::error_code ec3, std::size_t) {
            if (ec3) { result = ec3; return; }
            http::async_read(stream, buffer, parser, [&](beast::error_code ec4, std::size_t) { result = ec4; });
          });
        });
      });
      if (!run_within(io, timeout + std::chrono::milliseconds(100))) result = asio::error::timed_out;
    } else {
      asio::ssl::context tls(asio::ssl::context::tls_client);
      tls.set_default_verify_paths();
      tls.set_verify_mode(asio::ssl::verify_peer);
      tls.set_verify_callback(asio::ssl::host_name_verification(u->host));
      beast::ssl_stream<beast::tcp_stream> stream(io, tls);
      SSL_set_tlsext_host_name(stream.native_handle(), u->host.c_str());
      beast::get_lowest_layer(stream).expires_after(timeout);
      resolver.async_resolve(u->host, port, [&](beast::error_code ec, tcp::resolver::results_type r) {
        if (ec) { result = ec; return; }
        beast::get_lowest_layer(stream).async_connect(r, [&](beast::error_code ec2, const tcp::endpoint&) {
          if (ec2) { result = ec2; return; }
          stream.async_handshake(asio::ssl::stream_base::client, [&](beast::error_code ec3) {
            if (ec3) { result = ec3; return; }
            http::async_write(stream, req, [&](beast::error_code ec4, std::size_t) {
              if (ec4) { result = ec4; return; }
              http::async_read(stream, buffer, parser, [&](beast::error_code ec5, std::size_t) { result = ec5; });
            });
          });
        });
      });
      if (!run_within(io, timeout + std::chrono::milliseconds(100))) result = asio::error::timed_out;
    }
    if (result) {
      failed.failure = result.message();
      return failed;
    }
    return answer_of(parser);
  } catch (const std::exception& e) {
    failed.failure = e.what();
    return failed;
  }
}

bool has_credential_hooks(const llmgw_provider_vtable& vt) {
  return LLMGW_HAS_MEMBER(&vt, llmgw_provider_vtable, credential_accept) && vt.credential_request != nullptr &&
         vt.credential_accept != nullptr;
}

CredentialExchange::CredentialExchange(const std::vector<loader::ProviderInstance*>& instances,
                                       std::chrono::milliseconds first_timeout) {
  for (loader::ProviderInstance* p : instances)
    if (p && has_credential_hooks(p->vtable())) entries_.push_back(Entry{p, std::chrono::steady_clock::now()});
  for (Entry& e : entries_) exchange(e, first_timeout);
  const bool renewing = std::any_of(entries_.begin(), entries_.end(), [](const Entry& e) { return !e.done; });
  if (renewing) thread_ = std::thread([this] { run(); });
}

CredentialExchange::~CredentialExchange() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void CredentialExchange::exchange(Entry& e, std::chrono::milliseconds timeout) {
  const llmgw_provider_vtable& vt = e.instance->vtable();
  const std::string who = std::string(e.instance->plugin().name());
  RequestCollector req;
  const llmgw_request_out out = req.table();
  std::string error;
  const llmgw_writer error_writer = line_writer(&error);
  const llmgw_status rc = vt.credential_request(e.instance->instance(), &out, &error_writer);
  if (rc == LLMGW_NOT_FOUND) {
    e.done = true;
    return;
  }
  if (rc != LLMGW_OK) {
    spdlog::warn("{}: credential request not made: {}", who, error.empty() ? "no reason given" : error);
    e.due = std::chrono::steady_clock::now() + kRetryAfterFailure;
    return;
  }
  const Headers headers(req.headers.begin(), req.headers.begin() + static_cast<std::ptrdiff_t>(req.header_count));
  CredentialAnswer answer = send_credential_request(req.method, req.url, headers, req.body, timeout);
  if (answer.status == 0) spdlog::warn("{}: credential request to {} failed: {}", who, req.url, answer.failure);
  std::vector<llmgw_header> hs;
  hs.reserve(answer.headers.size());
  for (const auto& [n, v] : answer.headers) hs.push_back(llmgw_header{str(n), str(v)});
  llmgw_upstream_response response{};
  response.struct_size = sizeof response;
  response.status = answer.status;
  response.headers = hs.data();
  response.header_count = hs.size();
  response.body = str(answer.body);
  int64_t refresh_ms = -1;
  error.clear();
  if (vt.credential_accept(e.instance->instance(), &response, &refresh_ms, &error_writer) != LLMGW_OK)
    spdlog::warn("{}: credential answer refused (HTTP {}): {}", who, answer.status, error.empty() ? "no reason given" : error);
  const auto delay = refresh_ms < 0 ? kRetryAfterFailure : std::chrono::milliseconds(refresh_ms);
  e.due = std::chrono::steady_clock::now() + delay;
}

void CredentialExchange::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    Entry* next = nullptr;
    for (Entry& e : entries_)
      if (!e.done && (!next || e.due < next->due)) next = &e;
    if (!next) return;
    if (wake_.wait_until(lock, next->due, [this] { return stopping_; })) return;
    if (std::chrono::steady_clock::now() < next->due) continue;
    lock.unlock();
    exchange(*next, kExchangeTimeout);
    lock.lock();
  }
}

}  // namespace llmgw::pipeline
