// Test helpers: order-insensitive JSON comparison and an Anthropic SSE stream reader/checker.
#pragma once

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace anthropic_test {

inline bool same_json(std::string_view a, std::string_view b) {
  rapidjson::Document da, db;
  da.Parse(a.data(), a.size());
  db.Parse(b.data(), b.size());
  return !da.HasParseError() && !db.HasParseError() && da == db;
}

#define CHECK_JSON(actual, expected)             \
  do {                                           \
    INFO("actual:   " << (actual));              \
    INFO("expected: " << (expected));            \
    CHECK(anthropic_test::same_json((actual), (expected))); \
  } while (0)

struct Event {
  std::string name;
  std::string data;
  rapidjson::Document json;
};

/// Splits `event: X\ndata: Y\n\n` frames; FAILs on anything else.
inline std::vector<Event> parse_sse(std::string_view sse) {
  std::vector<Event> events;
  while (!sse.empty()) {
    std::size_t end = sse.find("\n\n");
    REQUIRE(end != std::string_view::npos);
    std::string_view frame = sse.substr(0, end);
    sse.remove_prefix(end + 2);
    REQUIRE(frame.substr(0, 7) == "event: ");
    std::size_t nl = frame.find('\n');
    REQUIRE(nl != std::string_view::npos);
    REQUIRE(frame.substr(nl + 1, 6) == "data: ");
    Event e;
    e.name = std::string(frame.substr(7, nl - 7));
    e.data = std::string(frame.substr(nl + 7));
    e.json.Parse(e.data.c_str());
    INFO(e.data);
    REQUIRE_FALSE(e.json.HasParseError());
    REQUIRE(e.json.IsObject());
    REQUIRE(e.json.HasMember("type"));
    CHECK(e.name == e.json["type"].GetString());
    events.push_back(std::move(e));
  }
  return events;
}

/// A content block reassembled from its start and deltas.
struct Block {
  std::string type, id, name, text, thinking, signature, partial_json, data;
};

/// What a stream said, once validated.
struct Stream {
  std::vector<Event> events;
  std::vector<Block> blocks;
  std::string message_id, model, stop_reason;
  std::string stop_sequence;  // "" when null
  const rapidjson::Value* start_usage = nullptr;
  const rapidjson::Value* final_usage = nullptr;
  bool error = false;
};

/// Validates the event order: message_start first (then ping), blocks started with indices
/// 0, 1, 2… one at a time, deltas only to the open block and of its kind, every block stopped,
/// then one message_delta and message_stop last — or an error event ending the stream.
inline Stream read_stream(std::string_view sse) {
  Stream s;
  s.events = parse_sse(sse);
  REQUIRE_FALSE(s.events.empty());
  int open = -1;
  bool delta_seen = false, stopped = false;
  for (std::size_t i = 0; i < s.events.size(); ++i) {
    const Event& e = s.events[i];
    const rapidjson::Value& j = e.json;
    INFO("event " << i << ": " << e.data);
    REQUIRE_FALSE(stopped);
    if (e.name == "error") {
      REQUIRE(i + 1 == s.events.size());
      s.error = true;
      continue;
    }
    if (i == 0) {
      REQUIRE(e.name == "message_start");
      const auto& m = j["message"];
      s.message_id = m["id"].GetString();
      s.model = m["model"].GetString();
      CHECK(m["content"].IsArray());
      CHECK(m["content"].Empty());
      CHECK(m["stop_reason"].IsNull());
      s.start_usage = &m["usage"];
      REQUIRE(m["usage"]["input_tokens"].IsInt64());
      REQUIRE(m["usage"]["output_tokens"].IsInt64());
      continue;
    }
    REQUIRE(e.name != "message_start");
    if (e.name == "ping") continue;
    if (e.name == "content_block_start") {
      REQUIRE(open == -1);
      REQUIRE_FALSE(delta_seen);
      REQUIRE(j["index"].GetInt() == static_cast<int>(s.blocks.size()));
      open = j["index"].GetInt();
      Block b;
      const auto& cb = j["content_block"];
      b.type = cb["type"].GetString();
      if (b.type == "tool_use") {
        b.id = cb["id"].GetString();
        b.name = cb["name"].GetString();
        CHECK(cb["input"].IsObject());
      } else if (b.type == "thinking") {
        CHECK(cb["signature"].IsString());
      } else if (b.type == "redacted_thinking") {
        b.data = cb["data"].GetString();
      }
      s.blocks.push_back(b);
    } else if (e.name == "content_block_delta") {
      REQUIRE(open >= 0);
      REQUIRE(j["index"].GetInt() == open);
      Block& b = s.blocks.back();
      std::string dt = j["delta"]["type"].GetString();
      if (dt == "text_delta") { REQUIRE(b.type == "text"); b.text += j["delta"]["text"].GetString(); }
      else if (dt == "thinking_delta") { REQUIRE(b.type == "thinking"); b.thinking += j["delta"]["thinking"].GetString(); }
      else if (dt == "signature_delta") { REQUIRE(b.type == "thinking"); b.signature += j["delta"]["signature"].GetString(); }
      else if (dt == "input_json_delta") { REQUIRE(b.type == "tool_use"); b.partial_json += j["delta"]["partial_json"].GetString(); }
      else FAIL("unknown delta type " << dt);
    } else if (e.name == "content_block_stop") {
      REQUIRE(open >= 0);
      REQUIRE(j["index"].GetInt() == open);
      open = -1;
    } else if (e.name == "message_delta") {
      REQUIRE(open == -1);
      REQUIRE_FALSE(delta_seen);
      delta_seen = true;
      const auto& d = j["delta"];
      s.stop_reason = d["stop_reason"].GetString();
      s.stop_sequence = d["stop_sequence"].IsNull() ? "" : d["stop_sequence"].GetString();
      s.final_usage = &j["usage"];
      REQUIRE(j["usage"]["output_tokens"].IsInt64());
    } else if (e.name == "message_stop") {
      REQUIRE(delta_seen);
      stopped = true;
    } else {
      FAIL("unexpected event " << e.name);
    }
  }
  if (!s.error) REQUIRE(stopped);
  return s;
}

}  // namespace anthropic_test
