// A Reply in front of the client's Reply that lets a call be tried again: an error that arrives
// before anything was sent to the client is held back instead of answered, and headers
// (relayed upstream headers included) are held until the answer that actually goes out, so a
// failed attempt leaves no trace in the response. The pipeline decides what a held error means
// (retry, fall back, or answer it with release()).
//
// Raw stream bytes pass only as whole SSE events: a stream commits to the client at its first
// complete event, and an event cut short by a failure never reaches the client (which would
// otherwise get half an event glued to the error event).
#pragma once

#include <charconv>
#include <cstdint>
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/reply.hpp"

namespace llmgw::pipeline {

/// 408, 409, 429, 5xx and Anthropic's 529 may succeed on a retry; 400/401/403/404 never do.
inline bool retryable_status(int status) {
  return status == 408 || status == 409 || status == 429 || (status >= 500 && status <= 599);
}

class RetryGate final : public Reply {
 public:
  /// `header_slots`: storage for held headers, the call's own (slots keep their strings).
  RetryGate(Reply& client, HeaderList& header_slots) : client_(client), headers_(header_slots) {}

  /// Starts an attempt on `deployment_id`, the `attempt`-th of the call.
  void begin_attempt(std::string_view deployment_id, int attempt) {
    deployment_ = deployment_id;
    attempt_ = attempt;
    holding_ = false;
    stream_failed_ = false;
    header_count_ = 0;
    tail_.clear();
  }
  /// The attempt ended in an error before anything reached the client; it is held.
  bool holding() const { return holding_; }
  const canonical::ApiError& held_error() const { return error_; }
  /// Cuts the held error's Retry-After to `max_ms` (an upstream's number is not trusted).
  void clamp_retry_after(int64_t max_ms) {
    if (error_.retry_after_ms > max_ms) error_.retry_after_ms = max_ms;
  }
  /// The attempt failed after the client got its first byte (an error event was sent).
  bool stream_failed() const { return stream_failed_; }
  /// Answers the held error, with the headers of the attempt that produced it.
  void release() {
    if (!holding_) return;
    holding_ = false;
    release_headers();
    client_.error(error_);
  }

  void set_upstream_dialect(llmgw_dialect dialect) override { client_.set_upstream_dialect(dialect); }
  void add_header(std::string_view name, std::string_view value) override {
    // Reused slots: their strings keep their storage from call to call.
    if (header_count_ == headers_.size()) headers_.emplace_back();
    headers_[header_count_].first.assign(name);
    headers_[header_count_].second.assign(value);
    ++header_count_;
  }
  void error(const canonical::ApiError& error) override {
    if (!client_.committed()) {
      error_ = error;
      holding_ = true;
      return;
    }
    client_.stream_error(error);  // not expected: error() is for whole responses
    stream_failed_ = true;
  }
  void answer_usage(std::string_view deployment_id, const llmgw_usage& usage) override {
    client_.answer_usage(deployment_id, usage);
  }
  void stream_usage(std::string_view deployment_id, const llmgw_usage& usage) override {
    client_.stream_usage(deployment_id, usage);
  }
  void declare_trailer(std::string_view name) override { client_.declare_trailer(name); }
  void stream_trailer(std::string_view name, std::string_view value) override { client_.stream_trailer(name, value); }
  void json(int status, std::string_view body) override {
    release_headers();
    client_.json(status, body);
  }
  void stream_raw(std::string_view bytes) override {
    std::string_view data = bytes;
    std::size_t from = 1;  // the held part has no event end: only the new bytes are searched
    if (!tail_.empty()) {
      from = tail_.size() > 3 ? tail_.size() - 3 : 1;
      tail_.append(bytes);
      data = tail_;
    }
    const std::size_t end = whole_events_end(data, from);
    if (end == 0) {  // no event is complete yet
      if (tail_.empty()) tail_.assign(bytes);
      return;
    }
    if (!client_.committed()) release_headers();
    client_.stream_raw(data.substr(0, end));
    if (end == data.size()) {
      tail_.clear();
    } else {
      std::string rest(data.substr(end));
      tail_.swap(rest);
    }
  }
  void stream_chunk(std::string_view chunk_json) override {
    if (!client_.committed()) release_headers();
    client_.stream_chunk(chunk_json);
  }
  void flush() override { client_.flush(); }
  boost::asio::awaitable<bool> drain() override { return client_.drain(); }
  std::optional<bool> drain_now() override { return client_.drain_now(); }
  std::size_t held_partial_bytes() const override { return tail_.size(); }
  void stream_error(const canonical::ApiError& error) override {
    tail_.clear();  // a cut event is dropped
    if (!client_.committed()) {
      this->error(error);
      return;
    }
    stream_failed_ = true;
    client_.stream_error(error);
  }
  void stream_end(bool translated) override {
    if (!tail_.empty()) {  // the upstream ended in the middle of an event: a truncated stream
      stream_error(canonical::ApiError{502, "api_error", "truncated_stream", "",
                                       "the upstream stream ended in the middle of an event"});
      return;
    }
    client_.stream_end(translated);
  }
  bool committed() const override { return client_.committed(); }
  bool client_alive() const override { return client_.client_alive(); }

 private:
  /// The held headers and which deployment answered after how many attempts.
  void release_headers() {
    for (std::size_t i = 0; i < header_count_; ++i) client_.add_header(headers_[i].first, headers_[i].second);
    header_count_ = 0;
    client_.add_header("x-llmgw-deployment", deployment_);
    char digits[16];
    const char* const end = std::to_chars(digits, digits + sizeof digits, attempt_).ptr;  // not snprintf: ~600 instructions
    client_.add_header("x-llmgw-attempts", std::string_view(digits, static_cast<std::size_t>(end - digits)));
  }

  /// Where the last complete SSE event of `data` ends (just past its blank line), or 0; only
  /// ends at or after `from` are looked for (so a large partial event is scanned once).
  static std::size_t whole_events_end(std::string_view data, std::size_t from = 1) {
    for (std::size_t i = data.size(); i-- > std::max<std::size_t>(from, 1);) {
      if (data[i] != '\n' && data[i] != '\r') continue;
      const char prev = data[i - 1];
      if (prev == '\n' || (prev == '\r' && data[i] == '\r')) return i + 1;            // \n\n, \r\r
      if (prev == '\r' && i >= 3 && data[i - 2] == '\n' && data[i - 3] == '\r') return i + 1;  // \r\n\r\n
    }
    return 0;
  }

  Reply& client_;
  std::string_view deployment_;
  int attempt_ = 1;
  bool holding_ = false;
  bool stream_failed_ = false;
  canonical::ApiError error_;
  HeaderList& headers_;
  std::size_t header_count_ = 0;
  std::string tail_;  // raw stream bytes of an event not yet complete
};

}  // namespace llmgw::pipeline
