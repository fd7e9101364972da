// A list of strings kept as a JSON array in a TEXT column (keys.models, teams.models).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace llmgw::store {

std::string to_json_array(const std::vector<std::string>& items);
/// Throws StoreError unless `json` is an array of strings.
std::vector<std::string> parse_json_array(std::string_view json);

}  // namespace llmgw::store
