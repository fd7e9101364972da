#include "server/response.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>

#include <charconv>

#include "util/shrink.hpp"
#include "canonical/clock.hpp"

namespace llmgw::server {
namespace {

constexpr std::size_t kFlushAt = 64 * 1024;  // a send() body is framed into the queue at this size

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
  clear();
  setStatusAndReason(HTTP_OK);
  status_ = -1;
  pending_.clear();
  out_.clear();
  sent_ = head_written_ = chunked_ = length_known_ = finished_ = head_only_ = false;
  ok_ = true;
}

bool Response::body_allowed() const {
  const int s = status_ >= 0 ? status_ : static_cast<int>(getStatus());
  return !head_only_ && s >= 200 && s != HTTP_NO_CONTENT && s != HTTP_NOT_MODIFIED;
}

void Response::format_head() {
  std::string& h = head_;
  h.clear();
  h.append(getVersion()).push_back(' ');
  char digits[8];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, status_ >= 0 ? status_ : static_cast<int>(getStatus()));
  h.append(digits, end).push_back(' ');
  h.append(status_ >= 0 ? std::string_view(reason_) : std::string_view(getReason())).append("\r\n");
  for (const auto& [name, value] : *this) h.append(name).append(": ").append(value).append("\r\n");
  h.append("\r\n");
}

void Response::set_status(int status, std::string_view reason) {
  status_ = status;
  reason_.assign(reason);
}

void Response::sendContinue() { out_.append(getVersion()).append(" 100 Continue\r\n\r\n"); }

std::ostream& Response::send() {
  if (sent_) throw Poco::IllegalStateException("response already sent");
  sent_ = true;
  chunked_ = body_allowed() && getChunkedTransferEncoding();
  length_known_ = !chunked_ && (hasContentLength() || !body_allowed());
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
    out_.append(head_);
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
  if (last && chunked_) out_.append("0\r\n\r\n");
  return ok_;
}

void Response::finish() {
  if (!sent_ || finished_) return;
  flush(true);
  finished_ = true;
}

void Response::send_whole(std::string_view body) {
  if (sent_) throw Poco::IllegalStateException("response already sent");
  setContentLength64(static_cast<Poco::Int64>(body.size()));
  sent_ = head_written_ = finished_ = true;
  length_known_ = true;
  format_head();
  out_.append(head_);
  if (body_allowed()) out_.append(body);
}

boost::asio::awaitable<bool> Response::drain() {
  if (!ok_) co_return false;
  if (out_.empty()) co_return true;
  // Most writes are taken whole at once; only what the socket did not take is awaited.
  bool failed = false;
  const std::size_t took = io_.write_now(out_, failed);
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

void Response::sendBuffer(const void* buffer, std::size_t length) {
  send_whole(std::string_view(static_cast<const char*>(buffer), length));
}

void Response::sendFile(const std::string&, const std::string&) {
  throw Poco::NotImplementedException("sendFile");
}

void Response::redirect(const std::string& uri, HTTPStatus status) {
  setStatusAndReason(status);
  set("Location", uri);
  send_whole({});
}

void Response::requireAuthentication(const std::string& realm) {
  setStatusAndReason(HTTP_UNAUTHORIZED);
  set("WWW-Authenticate", "Basic realm=\"" + realm + "\"");
  send_whole({});
}

}  // namespace llmgw::server
