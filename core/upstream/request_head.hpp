// The bytes of an outgoing HTTP/1.1 request head, as the blocking Exchange writes it (and Poco
// before it): request line, Content-Length, Connection: Keep-Alive, the provider's headers, and
// Host unless the provider set one.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "upstream/url.hpp"

namespace llmgw::upstream {

/// Replaces `out` with the head of `method url` carrying `body_size` bytes of body, ending with
/// the blank line; `reserve_extra` more bytes are reserved for a body the caller appends.
void build_request_head(std::string& out, std::string_view method, const Url& url,
                        const std::vector<std::pair<std::string, std::string>>* headers, std::size_t header_count,
                        std::size_t body_size, std::size_t reserve_extra = 0);

}  // namespace llmgw::upstream
