// Sizes written for people: "10MB", "512 KiB", "1g", or a plain number of bytes.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace llmgw::config::detail {

/// Parses a non-negative integer followed by an optional unit, case-insensitive, optional space
/// between: B, K/KB/KiB (1024), M/MB/MiB (1024^2), G/GB/GiB (1024^3). The decimal units are
/// binary on purpose, as in "10MB" = 10485760 (the default max_body_bytes). nullopt on any
/// other text or on overflow.
std::optional<std::size_t> parse_byte_size(std::string_view text);

}  // namespace llmgw::config::detail
