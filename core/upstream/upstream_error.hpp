// Transport-level failures talking to an upstream (before or while reading its response).
#pragma once

#include <stdexcept>
#include <string>

namespace llmgw::upstream {

enum class TransportFailure {
  Unreachable,     // connection refused, host not found, TLS handshake failed → 502
  ConnectTimeout,  // → 504
  ReadTimeout,     // no bytes within the read / idle timeout → 504
  Reset,           // connection reset or closed mid-response → 502
  TooLarge,        // the response (or one stream event) is over its size limit → 502
  ClientGone       // the downstream client disconnected; nothing to answer
};

class TransportError : public std::runtime_error {
 public:
  TransportError(TransportFailure failure, const std::string& what)
      : std::runtime_error(what), failure_(failure) {}
  TransportFailure failure() const { return failure_; }

 private:
  TransportFailure failure_;
};

}  // namespace llmgw::upstream
