// The AWS event-stream framing (application/vnd.amazon.eventstream) of converse-stream,
// incremental: bytes may arrive cut anywhere; each whole message goes to a callback.
//
//   message   total length (u32 BE) | headers length (u32 BE) | prelude CRC32 (of the 8 bytes
//             before it) | headers | payload | message CRC32 (of everything before it)
//   header    name length (u8) | name | value type (u8) | value: 0/1 true/false, 2 byte, 3 short,
//             4 int, 5 long, 6 bytes and 7 string (u16 BE length + bytes), 8 timestamp, 9 uuid
//
// Both CRCs are checked (zlib's crc32). A message longer than the cap (set at construction;
// Bedrock's are a few KB), shorter than 16 bytes, with headers past its end, a header value type
// outside 0..9 or a header cut short is an error: the framer stops for good and reports which.
// The prelude is checked as soon as its 12 bytes are in, so a corrupt length is refused before
// anything is buffered for it. Buffered bytes never exceed the cap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace llmgw::provider_bedrock::eventstream {

/// One decoded message; the views are valid during the callback only.
struct Message {
  std::string_view event_type;      // :event-type (messageStart, contentBlockDelta, ...)
  std::string_view message_type;    // :message-type (event, exception, error)
  std::string_view content_type;    // :content-type
  std::string_view exception_type;  // :exception-type (message type exception)
  std::string_view error_code;      // :error-code (message type error)
  std::string_view error_message;   // :error-message
  std::string_view payload;
};

enum class Error { kNone, kTooShort, kTooLarge, kHeadersPastEnd, kPreludeCrc, kMessageCrc, kBadHeader };

/// A line for the client naming what was wrong with the stream.
std::string_view describe(Error e) noexcept;

/// Reads the first message of `data`: kNone with `m` and `used` set when a whole message is
/// there; kNone with `used` 0 when more bytes are needed; else the error.
Error next_message(std::string_view data, std::size_t max_message, Message& m, std::size_t& used);

class Framer {
 public:
  explicit Framer(std::size_t max_message) : max_(max_message) {}

  /// Feeds bytes; calls on_message(const Message&) for each whole message until it returns
  /// false. Returns the error that stopped framing (now and for every later call), else kNone.
  template <typename OnMessage>
  Error feed(std::string_view bytes, OnMessage&& on_message) {
    if (error_ != Error::kNone || stopped_) return error_;
    std::string_view data = bytes;
    if (!buf_.empty()) {
      buf_.append(bytes);
      data = buf_;
    }
    std::size_t off = 0;
    while (!stopped_) {
      Message m;
      std::size_t used = 0;
      error_ = next_message(data.substr(off), max_, m, used);
      if (error_ != Error::kNone) return error_;
      if (used == 0) break;
      off += used;
      if (!on_message(static_cast<const Message&>(m))) stopped_ = true;
    }
    keep(data, off);
    return error_;
  }

  /// Bytes of an incomplete message held back.
  std::size_t buffered() const noexcept { return buf_.size(); }

 private:
  void keep(std::string_view data, std::size_t off);

  std::size_t max_;
  std::string buf_;
  Error error_ = Error::kNone;
  bool stopped_ = false;
};

}  // namespace llmgw::provider_bedrock::eventstream
