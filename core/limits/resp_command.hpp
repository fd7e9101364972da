// One Redis command in the protocol's wire form (RESP: an array of bulk strings), written into a
// buffer the caller reuses. hiredis' own formatter (redisAsyncCommandArgv →
// redisFormatSdsCommandArgv) builds it with one sdscatfmt per argument: ~15k instructions for
// the ~30 arguments of a governed call's admit script, against ~1k here.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace llmgw::limits {

/// Replaces `out` with `*<n>\r\n` then `$<len>\r\n<bytes>\r\n` for each argument: byte for byte
/// what redisFormatCommandArgv writes. Keeps `out`'s capacity.
void format_resp_command(std::span<const std::string_view> argv, std::string& out);

}  // namespace llmgw::limits
