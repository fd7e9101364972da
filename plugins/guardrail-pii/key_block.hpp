// The lines of a PEM private key block as the private_key detector matches them:
// "-----BEGIN [TYPE ]PRIVATE KEY[ BLOCK]-----" … "-----END [TYPE ]PRIVATE KEY[ BLOCK]-----".
#pragma once

#include <cstddef>
#include <string_view>

namespace llmgw::pii {

inline constexpr std::string_view kKeyBegin = "-----BEGIN ";
inline constexpr std::string_view kKeyEnd = "-----END ";
inline constexpr std::string_view kKeyDashes = "-----";

/// Whether `label` names a private key as the private_key pattern does: "[TYPE ]PRIVATE KEY[ BLOCK]".
bool private_key_label(std::string_view label);

/// Where the first complete private key END line in `text` ends (the offset after its last
/// dash), or npos.
std::size_t key_end_line(std::string_view text);

}  // namespace llmgw::pii
