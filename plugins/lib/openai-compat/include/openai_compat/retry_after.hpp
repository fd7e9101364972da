// Retry hints of OpenAI-shaped upstreams: Retry-After (delta-seconds or HTTP-date),
// retry-after-ms / x-ms-retry-after-ms (Azure), and x-ratelimit-reset-requests / -tokens
// (OpenAI's Go-style durations such as "20ms", "1s", "6m0s"; Azure sends plain seconds).
#pragma once

#include <llmgw/plugin.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace llmgw::openai_compat {

/// Milliseconds of a Go-style duration ("20ms", "1s", "6m0s", "1h2m3.5s", "250us", "0") or of
/// plain seconds ("6", "0.25"). Rounded up to a whole millisecond. -1 when malformed.
int64_t parse_duration_ms(std::string_view text) noexcept;

/// Unix seconds of an HTTP-date: IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), the obsolete
/// RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime ("Sun Nov  6 08:49:37 1994") forms.
/// -1 when malformed.
int64_t parse_http_date(std::string_view text) noexcept;

/// Milliseconds of a Retry-After value: delta-seconds, or an HTTP-date taken relative to
/// `now_unix_ms` (a date in the past gives 0). -1 when malformed.
int64_t parse_retry_after_ms(std::string_view text, int64_t now_unix_ms) noexcept;

/// The retry hint of a response, first found wins: retry-after-ms, x-ms-retry-after-ms,
/// Retry-After, then x-ratelimit-reset-requests / -tokens. Of the two reset headers, those
/// whose x-ratelimit-remaining-* is 0 count (the longest of them); when neither is exhausted
/// the sooner one is used. -1 when the response carries no hint.
int64_t retry_after_from_headers(const llmgw_header* headers, std::size_t count,
                                 int64_t now_unix_ms) noexcept;

/// Wall-clock time in Unix milliseconds (for HTTP-date Retry-After values).
int64_t unix_now_ms() noexcept;

}  // namespace llmgw::openai_compat
