// A Reply in front of the client's Reply that lets a call be tried again on another deployment:
// a retryable error that arrives before anything was sent to the client is held back instead
// of answered, and headers (relayed upstream headers included) are held until the answer that
// actually goes out, so a failed attempt leaves no trace in the response.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/reply.hpp"

namespace llmgw::pipeline {

/// 408, 409, 429, 5xx and Anthropic's 529 may succeed elsewhere; 400/401/403/404 never do.
inline bool retryable_status(int status) {
  return status == 408 || status == 409 || status == 429 || (status >= 500 && status <= 599);
}

class RetryGate final : public Reply {
 public:
  explicit RetryGate(Reply& client) : client_(client) {}

  /// Starts an attempt on `deployment_id`; `may_retry`: another attempt would follow a failure.
  void begin_attempt(std::string_view deployment_id, int attempt, bool may_retry) {
    deployment_ = deployment_id;
    attempt_ = attempt;
    may_retry_ = may_retry;
    held_error_ = false;
    failed_ = false;
    retry_after_ms_ = -1;
    headers_.clear();
  }
  /// The attempt ended in a retryable error (held back or answered), and its Retry-After.
  bool attempt_failed() const { return failed_; }
  int64_t retry_after_ms() const { return retry_after_ms_; }
  /// The attempt failed in a way another deployment may not: try the next one.
  bool wants_retry() const { return held_error_; }
  const frontends::ApiError& held_error() const { return error_; }

  void set_upstream_dialect(llmgw_dialect dialect) override { client_.set_upstream_dialect(dialect); }
  void add_header(std::string_view name, std::string_view value) override {
    headers_.emplace_back(std::string(name), std::string(value));
  }
  void error(const frontends::ApiError& error) override {
    failed_ = retryable_status(error.status);
    retry_after_ms_ = error.retry_after_ms;
    if (may_retry_ && !client_.committed() && retryable_status(error.status)) {
      error_ = error;
      held_error_ = true;
      return;
    }
    release_headers();
    client_.error(error);
  }
  void json(int status, std::string_view body) override {
    release_headers();
    client_.json(status, body);
  }
  void stream_raw(std::string_view bytes) override {
    if (!client_.committed()) release_headers();
    client_.stream_raw(bytes);
  }
  void stream_chunk(std::string_view chunk_json) override {
    if (!client_.committed()) release_headers();
    client_.stream_chunk(chunk_json);
  }
  void flush() override { client_.flush(); }
  void stream_error(const frontends::ApiError& error) override {
    failed_ = retryable_status(error.status);
    client_.stream_error(error);
  }
  void stream_end(bool translated) override { client_.stream_end(translated); }
  bool committed() const override { return client_.committed(); }
  bool client_alive() const override { return client_.client_alive(); }

 private:
  /// The held headers and which deployment answered after how many attempts.
  void release_headers() {
    for (const auto& [name, value] : headers_) client_.add_header(name, value);
    headers_.clear();
    client_.add_header("x-llmgw-deployment", deployment_);
    client_.add_header("x-llmgw-attempts", std::to_string(attempt_));
  }

  Reply& client_;
  std::string_view deployment_;
  int attempt_ = 1;
  bool may_retry_ = false;
  bool held_error_ = false;
  bool failed_ = false;
  int64_t retry_after_ms_ = -1;
  frontends::ApiError error_;
  std::vector<std::pair<std::string, std::string>> headers_;
};

}  // namespace llmgw::pipeline
