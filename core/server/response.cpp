#include "server/response.hpp"

#include <charconv>
#include <cstring>
#include <stdexcept>

#include "util/shrink.hpp"
#include "canonical/clock.hpp"
#include "canonical/header_fields.hpp"

namespace llmgw::server {
namespace {

constexpr std::size_t kFlushAt = 64 * 1024;  // a send() body is framed into the queue at this size

/// RFC 9110's reason phrases for the codes the gateway answers with (and Anthropic's 529); any
/// other code gets an empty phrase, which RFC 9112 §4 allows.
std::string_view reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    case 529: return "Overloaded";
    default: return "";
  }
}

}  // namespace

std::streamsize ResponseStream::Buf::xsputn(const char* s, std::streamsize n) {
  r_->append(s, static_cast<std::size_t>(n));
  return r_->ok() ? n : 0;
}

ResponseStream::Buf::int_type ResponseStream::Buf::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  const char ch = traits_type::to_char_type(c);
  r_->append(&ch, 1);
  return r_->ok() ? c : traits_type::eof();
}

int ResponseStream::Buf::sync() { return r_->flush(false) ? 0 : -1; }

Response::~Response() { stream_.attach(nullptr); }

void Response::reset() {
  field_count_ = 0;
  status_ = 200;
  reason_ = "OK";
  content_length_ = -1;
  chunked_wanted_ = false;
  keep_alive_ = true;
  http10_ = false;
  pending_.clear();
  out_.clear();
  trailer_names_.clear();
  trailer_fields_.clear();
  sent_ = head_written_ = chunked_ = length_known_ = finished_ = head_only_ = must_wait_ = false;
  ok_ = true;
}

bool Response::body_allowed() const { return !head_only_ && status_ >= 200 && status_ != 204 && status_ != 304; }

void Response::set(std::string_view name, std::string_view value) {
  for (std::size_t i = 0; i < field_count_; ++i)
    if (canonical::iequals_ascii(fields_[i].name, name)) {
      fields_[i].value.assign(value);
      return;
    }
  add(name, value);
}

void Response::add(std::string_view name, std::string_view value) {
  if (field_count_ == fields_.size()) fields_.emplace_back();
  fields_[field_count_].name.assign(name);
  fields_[field_count_].value.assign(value);
  ++field_count_;
}

std::optional<std::string_view> Response::get(std::string_view name) const {
  for (std::size_t i = 0; i < field_count_; ++i)
    if (canonical::iequals_ascii(fields_[i].name, name)) return std::string_view(fields_[i].value);
  return std::nullopt;
}

void Response::format_head() {
  // Written straight into out_, sized once: a head is a dozen fields, and appending them piece
  // by piece (each append checks and may grow the string) into a string of its own, then
  // copying that, cost ~900 instructions a response.
  char digits[24];
  const char* const status_end = std::to_chars(digits, digits + sizeof digits, status_).ptr;
  char length_digits[24];
  const char* length_end = length_digits;
  if (!chunked_ && content_length_ >= 0)
    length_end = std::to_chars(length_digits, length_digits + sizeof length_digits, content_length_).ptr;
  constexpr std::string_view kChunked = "Transfer-Encoding: chunked\r\n", kTrailer = "Trailer: ",
                             kLength = "Content-Length: ", kKeepAlive = "Connection: keep-alive\r\n\r\n",
                             kClose = "Connection: close\r\n\r\n";
  const bool trailer = chunked_ && !trailer_names_.empty();
  std::size_t size = 9 + static_cast<std::size_t>(status_end - digits) + 1 + reason_.size() + 2;
  for (std::size_t i = 0; i < field_count_; ++i) size += fields_[i].name.size() + 2 + fields_[i].value.size() + 2;
  if (chunked_) size += kChunked.size() + (trailer ? kTrailer.size() + trailer_names_.size() + 2 : 0);
  else if (length_end != length_digits) size += kLength.size() + static_cast<std::size_t>(length_end - length_digits) + 2;
  size += keep_alive_ ? kKeepAlive.size() : kClose.size();

  const std::size_t at = out_.size();
  out_.resize(at + size);
  char* p = out_.data() + at;
  auto put = [&p](std::string_view s) {
    std::memcpy(p, s.data(), s.size());
    p += s.size();
  };
  put(http10_ ? "HTTP/1.0 " : "HTTP/1.1 ");
  put(std::string_view(digits, static_cast<std::size_t>(status_end - digits)));
  put(" ");
  put(reason_);
  put("\r\n");
  for (std::size_t i = 0; i < field_count_; ++i) {
    put(fields_[i].name);
    put(": ");
    put(fields_[i].value);
    put("\r\n");
  }
  if (chunked_) {
    put(kChunked);
    if (trailer) {
      put(kTrailer);
      put(trailer_names_);
      put("\r\n");
    }
  } else if (length_end != length_digits) {
    put(kLength);
    put(std::string_view(length_digits, static_cast<std::size_t>(length_end - length_digits)));
    put("\r\n");
  }
  put(keep_alive_ ? kKeepAlive : kClose);
}

void Response::set_status(int status, std::string_view reason) {
  status_ = status;
  reason_.assign(reason.empty() ? reason_phrase(status) : reason);
}

void Response::send_continue() { out_.append(http10_ ? "HTTP/1.0" : "HTTP/1.1").append(" 100 Continue\r\n\r\n"); }

std::ostream& Response::send() {
  if (sent_) throw std::logic_error("response already sent");
  sent_ = true;
  chunked_ = body_allowed() && chunked_wanted_ && !http10_;
  length_known_ = !chunked_ && (content_length_ >= 0 || !body_allowed());
  if (!chunked_ && !length_known_) keep_alive_ = false;  // the body ends when the connection does
  return stream_.attach(this);
}

void Response::append(const char* data, std::size_t n) {
  if (!ok_ || finished_ || !body_allowed()) return;
  pending_.append(data, n);
  if (pending_.size() >= kFlushAt) flush(false);
}

bool Response::flush(bool last) {
  if (!ok_) return false;
  if (!sent_ || finished_) return true;
  if (!head_written_) {
    format_head();
    head_written_ = true;
  }
  if (chunked_ && !pending_.empty()) {
    char size_line[24];
    auto [end, ec] = std::to_chars(size_line, size_line + 16, pending_.size(), 16);
    out_.append(size_line, end).append("\r\n").append(pending_).append("\r\n");
  } else {
    out_.append(pending_);
  }
  pending_.clear();
  if (last && chunked_) out_.append("0\r\n").append(trailer_fields_).append("\r\n");
  return ok_;
}

void Response::finish() {
  if (!sent_ || finished_) return;
  flush(true);
  finished_ = true;
}

void Response::declare_trailer(std::string_view name) {
  if (sent_) return;
  if (!trailer_names_.empty()) trailer_names_.append(", ");
  trailer_names_.append(name);
}

void Response::set_trailer(std::string_view name, std::string_view value) {
  if (trailer_names_.empty() || finished_) return;  // undeclared fields are not sent
  trailer_fields_.append(name).append(": ").append(value).append("\r\n");
}

void Response::send_whole(std::string_view body) {
  if (sent_) throw std::logic_error("response already sent");
  content_length_ = static_cast<long long>(body.size());
  sent_ = head_written_ = finished_ = true;
  length_known_ = true;
  format_head();
  if (body_allowed()) out_.append(body);
}

std::optional<bool> Response::drain_now() {
  if (!ok_) return false;
  if (out_.empty()) return true;
  bool failed = false;
  const std::size_t took = io_.write_now(out_, failed);
  if (!failed && took < out_.size()) {
    out_.erase(0, took);
    must_wait_ = true;
    return std::nullopt;
  }
  if (failed) ok_ = false;
  out_.clear();
  util::shrink_after_peak(out_);
  return ok_;
}

boost::asio::awaitable<bool> Response::drain() {
  if (!ok_) co_return false;
  if (out_.empty()) co_return true;
  // Most writes are taken whole at once; only what the socket did not take is awaited.
  bool failed = false;
  std::size_t took = 0;
  if (must_wait_) must_wait_ = false;  // drain_now just wrote what the socket would take
  else took = io_.write_now(out_, failed);
  if (failed) {
    ok_ = false;
  } else if (took < out_.size()) {
    io_.set_deadline(canonical::steady_ms() + write_timeout_ms_);
    const bool sent = co_await io_.write(std::string_view(out_).substr(took));
    ok_ = sent;
    io_.set_deadline(0);
  }
  out_.clear();
  util::shrink_after_peak(out_);
  co_return ok_;
}

}  // namespace llmgw::server
