#include "config/entry_scope.hpp"

#include <algorithm>
#include <functional>

namespace llmgw::config {
namespace {

std::vector<std::string> sorted_unique(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

bool contains(const std::vector<std::string>& sorted, std::string_view s) {
  return std::binary_search(sorted.begin(), sorted.end(), s, std::less<>{});
}

}  // namespace

EntryScope::EntryScope(std::vector<std::string> aliases, std::vector<std::string> keys, std::vector<std::string> teams)
    : aliases_(sorted_unique(std::move(aliases))), keys_(sorted_unique(std::move(keys))),
      teams_(sorted_unique(std::move(teams))) {}

bool EntryScope::matches_alias(std::string_view alias) const { return aliases_.empty() || contains(aliases_, alias); }

bool EntryScope::matches_caller(const RequestScope& request) const {
  if (!caller_scoped()) return true;
  return (!request.key_alias.empty() && contains(keys_, request.key_alias)) ||
         (!request.team.empty() && contains(teams_, request.team));
}

}  // namespace llmgw::config
