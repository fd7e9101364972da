#include "config/byte_size.hpp"

#include <cctype>
#include <charconv>
#include <limits>
#include <string>

namespace llmgw::config::detail {
namespace {

std::optional<std::size_t> unit_multiplier(std::string_view unit) {
  std::string u;
  for (char c : unit) u += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (u.empty() || u == "b") return std::size_t{1};
  if (u == "k" || u == "kb" || u == "kib") return std::size_t{1} << 10;
  if (u == "m" || u == "mb" || u == "mib") return std::size_t{1} << 20;
  if (u == "g" || u == "gb" || u == "gib") return std::size_t{1} << 30;
  return std::nullopt;
}

}  // namespace

std::optional<std::size_t> parse_byte_size(std::string_view text) {
  const char* first = text.data();
  const char* last = text.data() + text.size();
  std::size_t number = 0;
  auto [end, ec] = std::from_chars(first, last, number);
  if (ec != std::errc() || end == first) return std::nullopt;
  std::string_view rest(end, static_cast<std::size_t>(last - end));
  if (rest.starts_with(' ')) rest.remove_prefix(1);
  auto multiplier = unit_multiplier(rest);
  if (!multiplier) return std::nullopt;
  if (number > std::numeric_limits<std::size_t>::max() / *multiplier) return std::nullopt;
  return number * *multiplier;
}

}  // namespace llmgw::config::detail
