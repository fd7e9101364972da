// Reading YAML nodes with messages that name the file, the line and the key path.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw::config::detail {

/// One key of a mapping. `at` is the key's node: its line is the one messages name (a null value's
/// own mark points past it).
struct Entry {
  std::string key;
  YAML::Node at;
  YAML::Node value;
};

/// What to do when a value is "os.environ/NAME" and NAME is unset or empty.
enum class MissingSecret {
  warn,  // warn (naming NAME and the key path) and use "" / keep the default
  fail,  // throw ConfigError: for values where empty would weaken security (master_key)
};

std::string join(std::string_view path, std::string_view key);  // "a.b", or "b" at the top
std::string item(std::string_view path, std::size_t index);     // "a[3]"

/// Reads nodes of one config file, collecting warnings and throwing ConfigError
/// ("FILE:LINE: key.path: what is wrong"). Messages never contain a value read from the
/// environment, so they are safe to log.
class Reader {
 public:
  Reader(std::string file, std::vector<std::string>& warnings);

  /// "FILE:LINE" (1-based), or "FILE" when the node has no position (an empty document).
  std::string where(const YAML::Node& at) const;
  [[noreturn]] void fail(const YAML::Node& at, std::string_view path, std::string_view what) const;
  void warn(const YAML::Node& at, std::string_view message);  // "FILE:LINE: message"
  void not_supported(const Entry& e, std::string_view path);  // a key LiteLLM defines
  void unknown_key(const Entry& e, std::string_view path);    // a key nobody defines

  /// The entries of a mapping in file order, with merge keys ("<<: *anchor") expanded as PyYAML
  /// does (explicit keys win, then earlier merged maps). A null node has no entries. A node that
  /// is not a mapping, a non-scalar key or a repeated key is an error.
  std::vector<Entry> entries(const YAML::Node& map, const YAML::Node& at,
                             std::string_view path) const;

  /// The scalar's text with os.environ/NAME resolved. nullopt when the value is null, or when the
  /// variable is missing and `missing` is warn (the warning is already recorded).
  std::optional<std::string> text(const YAML::Node& value, const YAML::Node& at,
                                  std::string_view path, MissingSecret missing);

  // Typed reads of one mapping entry into `out`. A null value keeps `out` unchanged.
  void read(const Entry& e, std::string_view path, std::string& out,
            MissingSecret missing = MissingSecret::warn);
  void read(const Entry& e, std::string_view path, int& out, int min, int max);
  void read(const Entry& e, std::string_view path, double& out, bool allow_zero);
  /// true/false/yes/no/on/off (as PyYAML reads them).
  void read(const Entry& e, std::string_view path, bool& out);
  void read_byte_size(const Entry& e, std::string_view path, std::size_t& out);
  /// A string that must be present and non-empty.
  std::string required_string(const Entry& e, std::string_view path);

 private:
  std::string file_;
  std::vector<std::string>& warnings_;
};

}  // namespace llmgw::config::detail
