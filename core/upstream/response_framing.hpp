// HTTP/1.1 response heads: the status line and headers from a connection's read buffer, without
// streams (the body framing is util/http_body.hpp).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>


namespace llmgw::upstream {

/// A response's header fields in order. Meant to be reused: clear() keeps every string's
/// storage, so a steady stream of responses allocates nothing here.
struct HeaderLines {
  std::vector<std::pair<std::string, std::string>> items;  // the first `count` are current
  std::size_t count = 0;
  void clear() { count = 0; }
  void add(std::string_view name, std::string_view value) {
    if (count == items.size()) items.emplace_back();
    items[count].first.assign(name);
    items[count].second.assign(value);
    ++count;
  }
  /// Frees the storage when one answer's fields made it grow past what ordinary answers need.
  void shrink_after_peak() {
    std::size_t bytes = 0;
    for (const auto& [n, v] : items) bytes += n.capacity() + v.capacity();
    if (bytes > 256 * 1024) {
      items = {};
      count = 0;
    }
  }
};

struct ResponseHead {
  std::size_t size = 0;          // bytes of the head, blank line included
  int status = 0;
  bool keep_alive = true;
  bool chunked = false;
  long long content_length = -1;  // -1: none
};

/// Parses a complete head (`in` as delimited by find_head_end) into `headers` (in order, values
/// trimmed, obsolete line folding joined; cleared first). Throws Poco::Net::MessageException.
ResponseHead parse_response_head(std::string_view in, HeaderLines& headers);

}  // namespace llmgw::upstream
