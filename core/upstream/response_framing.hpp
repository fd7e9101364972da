// HTTP/1.1 response heads: the status line and headers from a connection's read buffer, without
// streams (the body framing is util/http_body.hpp).
#pragma once

#include <Poco/Net/HTTPResponse.h>

#include <cstddef>
#include <string_view>


namespace llmgw::upstream {

struct ResponseHead {
  std::size_t size = 0;          // bytes of the head, blank line included
  int status = 0;
  bool keep_alive = true;
  bool chunked = false;
  long long content_length = -1;  // -1: none
};

/// Parses a complete head (`in` as delimited by find_head_end) into `response` (headers in
/// order, values trimmed, obsolete line folding joined). Throws Poco::Net::MessageException.
ResponseHead parse_response_head(std::string_view in, Poco::Net::HTTPResponse& response);

}  // namespace llmgw::upstream
