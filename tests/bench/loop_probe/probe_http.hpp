// What both event-loop probes share: find whole HTTP/1.1 requests in a buffer (head, and the
// Content-Length body) and the one fixed answer they give, so the probes differ only in their
// event loop (tests/bench/loop-probe.sh).
#pragma once

#include <cstddef>
#include <cstdlib>
#include <string>
#include <string_view>

namespace probe {

inline const std::string& answer() {
  static const std::string body =
      R"({"id":"chatcmpl-probe","object":"chat.completion","created":1,"model":"bench","choices":[{"index":0,)"
      R"("message":{"role":"assistant","content":"Hello from the loop probe."},"finish_reason":"stop"}],)"
      R"("usage":{"prompt_tokens":9,"completion_tokens":7,"total_tokens":16}})";
  static const std::string whole = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                                   std::to_string(body.size()) + "\r\n\r\n" + body;
  return whole;
}

/// The size of the first whole request at the start of `in`, or 0 when it is not all there yet.
inline std::size_t whole_request(std::string_view in) {
  const std::size_t head_end = in.find("\r\n\r\n");
  if (head_end == std::string_view::npos) return 0;
  std::size_t length = 0;
  const std::string_view head = in.substr(0, head_end);
  for (std::size_t at = 0; (at = head.find("\r\n", at)) != std::string_view::npos;) {
    at += 2;
    if (head.size() - at > 15 && (head.substr(at, 15) == "Content-Length:" || head.substr(at, 15) == "content-length:"))
      length = std::strtoul(head.data() + at + 15, nullptr, 10);
  }
  const std::size_t total = head_end + 4 + length;
  return in.size() >= total ? total : 0;
}

}  // namespace probe
