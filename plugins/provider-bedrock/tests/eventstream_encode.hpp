// An event-stream encoder (zlib CRC32s) for the unit tests and the fuzz target: builds the
// converse-stream bytes the decoder reads.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bedrock_test {

inline void put32(std::string& s, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) s.push_back(static_cast<char>((v >> shift) & 0xff));
}

inline uint32_t crc(std::string_view s) {
  return static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size())));
}

/// One message with string headers (type 7).
inline std::string frame(const std::vector<std::pair<std::string, std::string>>& headers, std::string_view payload) {
  std::string h;
  for (const auto& [n, v] : headers) {
    h.push_back(static_cast<char>(n.size()));
    h += n;
    h.push_back(7);
    h.push_back(static_cast<char>(v.size() >> 8));
    h.push_back(static_cast<char>(v.size() & 0xff));
    h += v;
  }
  std::string m;
  put32(m, static_cast<uint32_t>(16 + h.size() + payload.size()));
  put32(m, static_cast<uint32_t>(h.size()));
  put32(m, crc(m));
  m += h;
  m += payload;
  put32(m, crc(m));
  return m;
}

/// A converse-stream event.
inline std::string event(const std::string& type, std::string_view json) {
  return frame({{":event-type", type}, {":content-type", "application/json"}, {":message-type", "event"}}, json);
}

/// A converse-stream exception.
inline std::string exception(const std::string& type, std::string_view json) {
  return frame({{":exception-type", type}, {":content-type", "application/json"}, {":message-type", "exception"}}, json);
}

}  // namespace bedrock_test
