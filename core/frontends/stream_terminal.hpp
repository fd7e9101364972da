// Where a stream's terminal SSE event starts, so what ends the stream (x-llmgw-cost's comment
// line, frontends/metered_reply) can go out just before it: OpenAI's and the canonical
// dialect's `data: [DONE]`, Anthropic's `event: message_stop`.
#pragma once

#include <llmgw/plugin.h>

#include <cstddef>
#include <string_view>

namespace llmgw::frontends {

/// The offset of the last whole event of `events` (whole SSE events: LF, CR or CRLF line ends)
/// when it is `dialect`'s terminal event, else npos. Only the last event is looked at (a
/// stream's terminal event is its last), so the cost is a scan from the end over one event.
/// `has_cr` false: the caller knows `events` holds no CR (its memchr over them said so), and the
/// search back for CR line ends is skipped.
std::size_t terminal_event_at(std::string_view events, llmgw_dialect dialect, bool has_cr = true);

}  // namespace llmgw::frontends
