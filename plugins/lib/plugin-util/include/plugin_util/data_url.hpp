// split_data_url: a "data:<media type>[;params];base64,<data>" URL (how canonical image_url and
// file parts carry inline bytes) split into its media type and its base64 text, without copying.
#pragma once

#include <string_view>

namespace llmgw::plugin_util {

/// True, with `media_type` (e.g. "image/png") and `data` (the base64 text) viewing into `url`,
/// when `url` is a base64 data URL with a media type; false otherwise (outputs untouched).
inline bool split_data_url(std::string_view url, std::string_view& media_type, std::string_view& data) {
  if (!url.starts_with("data:")) return false;
  const std::size_t comma = url.find(',');
  if (comma == std::string_view::npos) return false;
  const std::string_view meta = url.substr(5, comma - 5);
  if (!meta.ends_with(";base64")) return false;
  const std::string_view type = meta.substr(0, meta.find(';'));
  if (type.empty()) return false;
  media_type = type;
  data = url.substr(comma + 1);
  return true;
}

}  // namespace llmgw::plugin_util
