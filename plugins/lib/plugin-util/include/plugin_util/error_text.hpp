// Text helpers the provider plugins' error mapping shares (errors.cpp): reading an upstream's
// error text and scrubbing it before it reaches a client. What an error MEANS (its class,
// status and type) stays in each plugin: the providers' wire semantics differ.
//
//   ascii_lower          ASCII lower case (hint matching is case-insensitive)
//   mentions_any         does the text mention one of the (lower-case) hints?
//   trim_space           strip spaces, tabs, CR and LF at both ends
//   utf8_prefix          cut to at most N bytes without splitting a UTF-8 sequence
//   replace_all          every occurrence of a needle replaced (never loops on a replacement)
//   mask_key_fragments   "<prefix>AbC…" → "<prefix>***": an API key quoted back is never passed on
//   scrub_error_fields   all of the above for an Error's message, type, code and param
#pragma once

#include <llmgw/plugin.hpp>

#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>

namespace llmgw::plugin_util {

inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

/// True when `text`, lower-cased, contains one of `hints` (written in lower case).
template <typename Hints>
bool mentions_any(std::string_view text, const Hints& hints) {
  const std::string t = ascii_lower(text);
  for (std::string_view h : hints)
    if (t.find(h) != std::string::npos) return true;
  return false;
}

inline std::string_view trim_space(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

/// `s` cut to at most `max` bytes without splitting a UTF-8 sequence.
inline std::string_view utf8_prefix(std::string_view s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

/// Replaces every occurrence of `needle` in `text` with `with` (the search resumes after each
/// replacement, so a `with` that contains `needle` cannot loop).
inline void replace_all(std::string& text, std::string_view needle, std::string_view with) {
  if (needle.empty()) return;
  for (std::size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + with.size()))
    text.replace(pos, needle.size(), with);
}

/// Every key fragment "<prefix><key chars>" in `text` becomes "<prefix>***"; key chars are ASCII
/// letters and digits and the characters in `also` (e.g. "-_").
inline void mask_key_fragments(std::string& text, std::string_view prefix, std::string_view also) {
  for (std::size_t pos = text.find(prefix); pos != std::string::npos; pos = text.find(prefix, pos + 1)) {
    std::size_t end = pos + prefix.size();
    while (end < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[end])) || also.find(text[end]) != std::string_view::npos))
      ++end;
    text.replace(pos + prefix.size(), end - pos - prefix.size(), "***");
  }
}

/// In each of `e`'s message, type, code and param: every configured secret → "[REDACTED]", then
/// `mask(field)` (the provider's key-fragment masking).
template <typename Secrets, typename Mask>
void scrub_error_fields(Error& e, const Secrets& secrets, Mask&& mask) {
  for (std::string* field : {&e.message, &e.type, &e.code, &e.param}) {
    for (const std::string& secret : secrets) replace_all(*field, secret, "[REDACTED]");
    mask(*field);
  }
}

}  // namespace llmgw::plugin_util
