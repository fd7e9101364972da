// Reversible redaction (config `reversible: true`): the placeholders one call sent upstream
// ([EMAIL_1] → the address the client wrote), and how they turn back into the client's values
// in the answer to that call — in a whole text, and in a stream whose pieces may cut a
// placeholder anywhere (RestoreStream holds back at most a placeholder's length, and only while
// the held text is still the beginning of one).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw::pii {

/// Placeholder → original value, for one call.
class PlaceholderMap {
 public:
  void add(std::string placeholder, std::string value);
  bool empty() const { return values_.empty(); }
  /// The value `placeholder` stands for; null when it is not one of this call's.
  const std::string* value_of(std::string_view placeholder) const;
  /// Whether `value` is one of the values this call's placeholders stand for.
  bool has_value(std::string_view value) const;
  /// The longest placeholder.
  std::size_t longest() const { return longest_; }

  struct Found {
    std::size_t from = 0, to = 0;  // [from, to) in the text
    const std::string* value = nullptr;
  };
  /// Every placeholder of this call in `text`, in order, not overlapping.
  std::vector<Found> find(std::string_view text) const;
  /// `text` with every placeholder of this call replaced by its value.
  std::string restore(std::string_view text) const;
  /// Whether `tail` (starting with '[') is the beginning of one of this call's placeholders
  /// (a whole one included).
  bool could_begin(std::string_view tail) const;

 private:
  std::map<std::string, std::string, std::less<>> values_;
  std::vector<std::string> originals_;
  std::size_t longest_ = 0;
};

/// One stream channel's text with the call's placeholders restored, in order.
class RestoreStream {
 public:
  explicit RestoreStream(const PlaceholderMap& map) : map_(&map) {}
  /// Appends to `out` the restored text of `text` (after what came before), but for a tail that
  /// may still become a placeholder.
  void feed(std::string_view text, std::string& out);
  /// Appends what is held, as it is (the channel ended, or text that is not restored follows).
  void flush(std::string& out);

 private:
  const PlaceholderMap* map_;
  std::string held_;
};

}  // namespace llmgw::pii
