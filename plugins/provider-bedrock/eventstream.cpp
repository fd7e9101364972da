#include "eventstream.hpp"

#include <zlib.h>

namespace llmgw::provider_bedrock::eventstream {
namespace {

constexpr std::size_t kPrelude = 12;   // total length, headers length, prelude CRC
constexpr std::size_t kMinMessage = 16;  // prelude + message CRC

uint32_t be32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | uint32_t{u[3]};
}

uint32_t crc(std::string_view bytes) {
  return static_cast<uint32_t>(::crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

/// Reads the headers block into `m`; false when a header is cut short or has an unknown type.
bool read_headers(std::string_view h, Message& m) {
  std::size_t at = 0;
  while (at < h.size()) {
    const std::size_t name_len = static_cast<unsigned char>(h[at++]);
    if (name_len == 0 || h.size() - at < name_len + 1) return false;
    const std::string_view name = h.substr(at, name_len);
    at += name_len;
    const auto type = static_cast<unsigned char>(h[at++]);
    std::size_t value_len = 0;
    bool text = false;
    switch (type) {
      case 0: case 1: value_len = 0; break;
      case 2: value_len = 1; break;
      case 3: value_len = 2; break;
      case 4: value_len = 4; break;
      case 5: case 8: value_len = 8; break;
      case 9: value_len = 16; break;
      case 6: case 7:
        if (h.size() - at < 2) return false;
        value_len = (std::size_t{static_cast<unsigned char>(h[at])} << 8) | static_cast<unsigned char>(h[at + 1]);
        at += 2;
        text = true;
        break;
      default: return false;
    }
    if (h.size() - at < value_len) return false;
    const std::string_view value = h.substr(at, value_len);
    at += value_len;
    if (!text) continue;
    if (name == ":event-type") m.event_type = value;
    else if (name == ":message-type") m.message_type = value;
    else if (name == ":content-type") m.content_type = value;
    else if (name == ":exception-type") m.exception_type = value;
    else if (name == ":error-code") m.error_code = value;
    else if (name == ":error-message") m.error_message = value;
  }
  return true;
}

}  // namespace

std::string_view describe(Error e) noexcept {
  switch (e) {
    case Error::kNone: return "no error";
    case Error::kTooShort: return "upstream event-stream message declares a length below 16 bytes";
    case Error::kTooLarge: return "upstream event-stream message is larger than the 16 MiB limit";
    case Error::kHeadersPastEnd: return "upstream event-stream message declares headers longer than the message";
    case Error::kPreludeCrc: return "upstream event-stream message failed its prelude CRC check (corrupted stream)";
    case Error::kMessageCrc: return "upstream event-stream message failed its CRC check (corrupted stream)";
    case Error::kBadHeader: return "upstream event-stream message has a malformed header";
  }
  return "upstream event-stream is malformed";
}

Error next_message(std::string_view data, std::size_t max_message, Message& m, std::size_t& used) {
  used = 0;
  if (data.size() < kPrelude) return Error::kNone;
  if (crc(data.substr(0, 8)) != be32(data.data() + 8)) return Error::kPreludeCrc;
  const std::size_t total = be32(data.data());
  const std::size_t headers = be32(data.data() + 4);
  if (total < kMinMessage) return Error::kTooShort;
  if (total > max_message) return Error::kTooLarge;
  if (headers > total - kMinMessage) return Error::kHeadersPastEnd;
  if (data.size() < total) return Error::kNone;
  if (crc(data.substr(0, total - 4)) != be32(data.data() + total - 4)) return Error::kMessageCrc;
  m = Message{};
  if (!read_headers(data.substr(kPrelude, headers), m)) return Error::kBadHeader;
  m.payload = data.substr(kPrelude + headers, total - kMinMessage - headers);
  used = total;
  return Error::kNone;
}

void Framer::keep(std::string_view data, std::size_t off) {
  if (stopped_) {
    buf_.clear();
    return;
  }
  if (buf_.empty()) {
    buf_.assign(data.substr(off));
  } else {
    buf_.erase(0, off);
  }
  // Room for the message under way once its length is known, so that it grows once.
  if (buf_.size() >= kPrelude) {  // the prelude CRC has vouched for the length
    const std::size_t total = be32(buf_.data());
    if (total <= max_ && total > buf_.capacity()) buf_.reserve(total);
  }
}

}  // namespace llmgw::provider_bedrock::eventstream
