// provider-echo: a complete llmgw provider plugin, built against the installed SDK alone.
//
// It answers a chat completion with the last user message's text, prefixed by `extra.prefix`
// (default "echo: "). It needs no network: encode_request targets the URL "echo:", which the
// core treats as a loopback (the upstream response is the request body itself, status 200).
// So decode_response and the stream decoder receive the canonical request they encoded, and
// turn it into a canonical chat.completion, or into chat.completion.chunk events.
//
// Everything crosses the ABI as plain C (llmgw/plugin.h); llmgw/plugin.hpp only adds helpers.
#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <atomic>
#include <cctype>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

namespace {

using Json = rapidjson::Writer<rapidjson::StringBuffer>;

// One instance per deployment. Immutable after create(), so hooks may run concurrently.
struct Echo {
  std::string prefix = "echo: ";
  llmgw::Host host;
  uint32_t replies_counter = 0;
};

// What the echo answers to one request.
struct Reply {
  std::string id;
  std::string model;
  std::string content;
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  bool include_usage = false;  // stream_options.include_usage
};

int64_t count_words(const std::string& text) {
  int64_t words = 0;
  bool in_word = false;
  for (unsigned char c : text) {
    const bool space = std::isspace(c) != 0;
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

// The text of a message's content: a string, or the "text" of its text parts.
std::string text_of(const rapidjson::Value& content) {
  if (content.IsString()) return std::string(content.GetString(), content.GetStringLength());
  std::string text;
  if (!content.IsArray()) return text;
  for (const auto& part : content.GetArray()) {
    if (!part.IsObject() || !part.HasMember("text") || !part["text"].IsString()) continue;
    if (!text.empty()) text += "\n";
    text.append(part["text"].GetString(), part["text"].GetStringLength());
  }
  return text;
}

std::string next_id() {
  static std::atomic<uint64_t> sequence{0};
  return "chatcmpl-echo-" + std::to_string(++sequence);
}

// Reads the canonical request (the loopback's "upstream response") into a Reply.
bool make_reply(const Echo& echo, std::string model, llmgw_str request, Reply& reply,
                std::string& error) {
  rapidjson::Document doc;
  doc.Parse(request.ptr ? request.ptr : "", request.len);
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("messages") ||
      !doc["messages"].IsArray()) {
    error = "provider-echo: the loopback body is not a chat completion request";
    return false;
  }
  std::string last_user;
  for (const auto& message : doc["messages"].GetArray()) {
    if (!message.IsObject() || !message.HasMember("content")) continue;
    const std::string text = text_of(message["content"]);
    reply.prompt_tokens += count_words(text);
    if (message.HasMember("role") && message["role"].IsString() &&
        std::string(message["role"].GetString()) == "user") {
      last_user = text;
    }
  }
  reply.id = next_id();
  reply.model = std::move(model);
  reply.content = echo.prefix + last_user;
  reply.completion_tokens = count_words(reply.content);
  if (doc.HasMember("stream_options") && doc["stream_options"].IsObject()) {
    const auto& options = doc["stream_options"];
    reply.include_usage = options.HasMember("include_usage") && options["include_usage"].IsTrue();
  }
  echo.host.counter_add(echo.replies_counter);
  return true;
}

llmgw_usage usage_of(const Reply& reply) {
  llmgw_usage usage = llmgw::unknown_usage();
  usage.prompt_tokens = reply.prompt_tokens;
  usage.completion_tokens = reply.completion_tokens;
  usage.cached_tokens = 0;
  usage.cache_creation_tokens = 0;
  return usage;
}

void put(Json& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

void put(Json& w, const char* key, int64_t value) {
  w.Key(key);
  w.Int64(value);
}

void write_usage(Json& w, const Reply& reply) {
  w.Key("usage");
  w.StartObject();
  put(w, "prompt_tokens", reply.prompt_tokens);
  put(w, "completion_tokens", reply.completion_tokens);
  put(w, "total_tokens", reply.prompt_tokens + reply.completion_tokens);
  w.EndObject();
}

// Opens an object with the fields every completion and chunk shares.
void write_head(Json& w, const Reply& reply, const char* object) {
  w.StartObject();
  put(w, "id", reply.id);
  put(w, "object", object);
  put(w, "created", static_cast<int64_t>(std::time(nullptr)));
  put(w, "model", reply.model);
}

std::string completion_json(const Reply& reply) {
  rapidjson::StringBuffer buffer;
  Json w(buffer);
  write_head(w, reply, "chat.completion");
  w.Key("choices");
  w.StartArray();
  w.StartObject();
  put(w, "index", 0);
  w.Key("message");
  w.StartObject();
  put(w, "role", "assistant");
  put(w, "content", reply.content);
  w.EndObject();
  w.Key("logprobs");
  w.Null();
  put(w, "finish_reason", "stop");
  w.EndObject();
  w.EndArray();
  write_usage(w, reply);
  w.EndObject();
  return buffer.GetString();
}

// The kinds of chunk the echo emits, in order: role, content..., finish, [usage].
enum class Chunk { kRole, kContent, kFinish, kUsage };

// One chat.completion.chunk object (no "data: " framing; the core frames it).
std::string chunk_json(const Reply& reply, Chunk kind, const std::string& content = {}) {
  rapidjson::StringBuffer buffer;
  Json w(buffer);
  write_head(w, reply, "chat.completion.chunk");
  w.Key("choices");
  w.StartArray();
  if (kind != Chunk::kUsage) {  // the usage chunk has "choices": []
    w.StartObject();
    put(w, "index", 0);
    w.Key("delta");
    w.StartObject();
    if (kind == Chunk::kRole) put(w, "role", "assistant");
    if (kind == Chunk::kRole || kind == Chunk::kContent) put(w, "content", content);
    w.EndObject();
    w.Key("logprobs");
    w.Null();
    w.Key("finish_reason");
    if (kind == Chunk::kFinish) w.String("stop"); else w.Null();
    w.EndObject();
  }
  w.EndArray();
  if (kind == Chunk::kUsage) write_usage(w, reply);
  w.EndObject();
  return buffer.GetString();
}

// "echo: hello world" → "echo: ", "hello ", "world": each word with the blanks after it.
std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> pieces;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool word_ends = !std::isspace(static_cast<unsigned char>(text[i])) && i > start &&
                           std::isspace(static_cast<unsigned char>(text[i - 1]));
    if (word_ends) {
      pieces.push_back(text.substr(start, i - start));
      start = i;
    }
  }
  if (start < text.size()) pieces.push_back(text.substr(start));
  return pieces;
}

// ---- hooks --------------------------------------------------------------------------------

llmgw_status echo_create(const llmgw_host* host, llmgw_str config_json, void** instance,
                         const llmgw_writer* error) {
  return llmgw::guarded(error, [&] {
    rapidjson::Document config;
    config.Parse(config_json.ptr ? config_json.ptr : "", config_json.len);
    if (config.HasParseError() || !config.IsObject()) {
      llmgw::write(error, "provider-echo: config is not a JSON object");
      return LLMGW_BAD_ARGUMENT;
    }
    auto echo = std::make_unique<Echo>();
    echo->host = llmgw::Host(host);
    if (config.HasMember("extra") && config["extra"].IsObject() && config["extra"].HasMember("prefix")) {
      const auto& prefix = config["extra"]["prefix"];
      if (!prefix.IsString()) {
        llmgw::write(error, "provider-echo: extra.prefix must be a string");
        return LLMGW_BAD_ARGUMENT;
      }
      echo->prefix.assign(prefix.GetString(), prefix.GetStringLength());
    }
    echo->replies_counter = echo->host.counter_register("echo_replies", "Replies the echo provider made");
    echo->host.log(LLMGW_LOG_DEBUG, "provider-echo ready, prefix \"" + echo->prefix + "\"");
    *instance = echo.release();
    return LLMGW_OK;
  });
}

void echo_destroy(void* instance) { delete static_cast<Echo*>(instance); }

llmgw_status echo_encode_request(void* /*instance*/, const llmgw_call* call, const llmgw_request_out* out,
                                 const llmgw_writer* error) {
  if (call->operation != LLMGW_OP_CHAT) {
    llmgw::write(error, "provider-echo supports chat completions only");
    return LLMGW_UNSUPPORTED;
  }
  out->set_method(out->ctx, llmgw::str("POST"));
  out->set_url(out->ctx, llmgw::str("echo:"));  // the core's loopback: no network
  out->add_header(out->ctx, llmgw::str("Content-Type"), llmgw::str("application/json"));
  out->use_call_body(out->ctx);
  return LLMGW_OK;
}

llmgw_status echo_decode_response(void* instance, const llmgw_call* call,
                                  const llmgw_upstream_response* response, const llmgw_result_out* out) {
  return llmgw::guarded_out(out, [&] {  // no exception may cross the C ABI
    if (response->status < 200 || response->status > 299) {
      const std::string message = "provider-echo: loopback answered " + std::to_string(response->status);
      llmgw::set_error(out, LLMGW_ERR_TRANSIENT, response->status, message);
      return LLMGW_ERROR;
    }
    Reply reply;
    std::string message;
    const std::string model(llmgw::view(call->model));
    if (!make_reply(*static_cast<const Echo*>(instance), model, response->body, reply, message)) {
      llmgw::set_error(out, LLMGW_ERR_BAD_RESPONSE, 502, message);
      return LLMGW_ERROR;
    }
    const std::string body = completion_json(reply);
    out->append_body(out->ctx, llmgw::str(body));
    const llmgw_usage usage = usage_of(reply);
    out->set_usage(out->ctx, &usage);
    return LLMGW_OK;
  });
}

// Per-stream state: the bytes of the loopback body, answered when the body is complete. The
// call is borrowed for stream_open only, so the stream keeps its own copy of the model.
struct EchoStream {
  const Echo* echo;
  std::string model;
  std::string body;
};

llmgw_status echo_stream_open(void* instance, const llmgw_call* call,
                              const llmgw_upstream_response* /*response*/, llmgw_stream** stream) {
  try {
    auto* s = new EchoStream{static_cast<const Echo*>(instance), std::string(llmgw::view(call->model)), {}};
    *stream = reinterpret_cast<llmgw_stream*>(s);
    return LLMGW_OK;
  } catch (...) {
    return LLMGW_ERROR;
  }
}

llmgw_status echo_stream_feed(llmgw_stream* stream, llmgw_str bytes, const llmgw_event_out* out) {
  return llmgw::guarded_out(out, [&] {
    reinterpret_cast<EchoStream*>(stream)->body.append(bytes.ptr ? bytes.ptr : "", bytes.len);
    return LLMGW_NEED_MORE;  // the answer needs the whole request: it comes in stream_close
  });
}

llmgw_status echo_stream_close(llmgw_stream* stream, const llmgw_event_out* out) {
  return llmgw::guarded_out(out, [&] {
    auto* s = reinterpret_cast<EchoStream*>(stream);
    Reply reply;
    std::string message;
    if (!make_reply(*s->echo, s->model, llmgw::str(s->body), reply, message)) {
      llmgw::set_error(out, LLMGW_ERR_BAD_RESPONSE, 502, message);
      return LLMGW_ERROR;
    }
    auto emit = [&](const std::string& chunk) { out->emit_chunk(out->ctx, llmgw::str(chunk)); };
    emit(chunk_json(reply, Chunk::kRole));
    for (const std::string& piece : split_words(reply.content)) emit(chunk_json(reply, Chunk::kContent, piece));
    emit(chunk_json(reply, Chunk::kFinish));
    if (reply.include_usage) emit(chunk_json(reply, Chunk::kUsage));
    const llmgw_usage usage = usage_of(reply);
    out->set_usage(out->ctx, &usage);
    return LLMGW_DONE;
  });
}

void echo_stream_destroy(llmgw_stream* stream) { delete reinterpret_cast<EchoStream*>(stream); }

// ---- descriptor ---------------------------------------------------------------------------

const llmgw_provider_vtable kVtable = [] {
  llmgw_provider_vtable v{};
  v.struct_size = sizeof(v);
  v.provider_names = "echo";
  v.capabilities = LLMGW_CAP_CHAT | LLMGW_CAP_STREAM;
  v.native_dialect = LLMGW_DIALECT_NONE;  // never passthrough: bodies arrive canonical
  v.create = echo_create;
  v.destroy = echo_destroy;
  v.encode_request = echo_encode_request;
  v.decode_response = echo_decode_response;
  v.stream_open = echo_stream_open;
  v.stream_feed = echo_stream_feed;
  v.stream_close = echo_stream_close;
  v.stream_destroy = echo_stream_destroy;
  return v;
}();

const llmgw_plugin kPlugin = [] {
  llmgw_plugin p{};
  p.abi_major = LLMGW_ABI_MAJOR;
  p.abi_minor = LLMGW_ABI_MINOR;
  p.struct_size = sizeof(p);
  p.build_signature = LLMGW_BUILD_SIGNATURE;
  p.kind = LLMGW_KIND_PROVIDER;
  p.name = "provider-echo";
  p.version = "1.0.0";
  p.description = "Echoes the last user message; needs no network (sample plugin)";
  p.vtable = &kVtable;
  return p;
}();

}  // namespace

extern "C" LLMGW_EXPORT const llmgw_plugin* llmgw_plugin_entry_v1(void) { return &kPlugin; }
