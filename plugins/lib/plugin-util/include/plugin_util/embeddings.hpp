// The embeddings operation for translating providers (sdk/CANONICAL.md "Embeddings"): reading
// the canonical OpenAI embeddings request, and writing the canonical OpenAI embedding list the
// client gets back, each embedding as floats or, when encoding_format is "base64", as base64 of
// its little-endian float32 bytes.
//
//   read_embeddings_request   the canonical body → its inputs (texts, or token ids), dimensions,
//                             encoding; throws EncodeError (json::bad) on a malformed body
//   refuse_token_ids          LLMGW_UNSUPPORTED "token ids as input are not supported by <P>"
//   encode_embeddings_body    the encoder frame: dialect check, parse, token ids refused, errors
//   EmbeddingListWriter       {"object":"list","data":[{"object":"embedding","index":i,
//                             "embedding":…}],"model":…,"usage":{"prompt_tokens","total_tokens"}}
//   answer_embeddings         the list appended to the result, prompt_tokens reported by set_usage
//   embeddings_shape          the request's encoding and input count for the decoder (one SAX pass)
#pragma once

#include "plugin_util/encode_params.hpp"
#include "plugin_util/json_helpers.hpp"

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>

#include <rapidjson/document.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw::plugin_util {

/// The canonical embeddings request as a translating encoder needs it.
struct EmbeddingsRequest {
  /// The string inputs in input order (views into the parsed body); empty when token_ids.
  std::vector<std::string_view> texts;
  /// The input was token ids (one array of integers, or an array of such arrays).
  bool token_ids = false;
  /// The input was one string (not an array).
  bool single = false;
  /// How many embeddings the client expects.
  std::size_t count = 0;
  /// `dimensions`, 0 when absent.
  int64_t dimensions = 0;
  /// encoding_format is "base64".
  bool base64 = false;
};

/// Reads the canonical body (already validated by the core; checked again here so that a
/// malformed one is a 400, never undefined behaviour). Throws EncodeError.
inline EmbeddingsRequest read_embeddings_request(const Value& body) {
  using namespace json;
  EmbeddingsRequest r;
  if (!body.IsObject()) bad("the request body must be a JSON object");
  const Value* input = member(body, "input");
  if (!input) bad("input is required");
  if (input->IsString()) {
    r.texts.push_back(sv(*input));
    r.single = true;
  } else if (input->IsArray()) {
    if (input->Empty()) bad("input must not be empty");
    const Value& first = (*input)[0];
    if (first.IsString()) {
      for (const Value& v : input->GetArray()) {
        if (!v.IsString()) bad("input must be a string, an array of strings or an array of token ids");
        r.texts.push_back(sv(v));
      }
    } else if (first.IsNumber()) {
      r.token_ids = true;
      r.count = 1;
    } else if (first.IsArray()) {
      r.token_ids = true;
      r.count = input->Size();
    } else {
      bad("input must be a string, an array of strings or an array of token ids");
    }
  } else {
    bad("input must be a string, an array of strings or an array of token ids");
  }
  if (!r.token_ids) r.count = r.texts.size();
  if (const Value* d = member(body, "dimensions")) {
    if (!d->IsInt64() || d->GetInt64() < 1) bad("dimensions must be a positive integer");
    r.dimensions = d->GetInt64();
  }
  if (const Value* f = member(body, "encoding_format")) {
    if (sv(*f) == "base64") r.base64 = true;
    else if (sv(*f) != "float") bad("encoding_format must be float or base64");
  }
  return r;
}

/// Parses `bytes` (the call body) and reads it; `doc` keeps the strings the views point to.
inline EmbeddingsRequest read_embeddings_request(rapidjson::Document& doc, std::string_view bytes) {
  parse_canonical_body(doc, bytes);
  return read_embeddings_request(doc);
}

/// Token ids are OpenAI's (tiktoken) and mean nothing to another provider's tokenizer.
inline void refuse_token_ids(const EmbeddingsRequest& r, std::string_view provider) {
  if (r.token_ids)
    json::unsupported("token ids as input are not supported by " + std::string(provider) +
                      " embeddings; send the input as text");
}

/// The frame every translating embeddings encoder shares: the body dialect checked, the bounded
/// parse, token ids refused naming `provider`, then `write_body(request, writer)` writes the
/// upstream body into `sb`. An EncodeError it throws becomes its status with the line written to
/// `error`. Returns LLMGW_OK when `sb` holds the body.
template <typename WriteBody>
llmgw_status encode_embeddings_body(const llmgw_call& call, std::string_view provider, const llmgw_writer* error,
                                    rapidjson::StringBuffer& sb, WriteBody&& write_body) {
  if (call.body_dialect != LLMGW_DIALECT_OPENAI_EMBEDDINGS) {
    llmgw::write(error, "an embeddings call must carry an OpenAI embeddings body");
    return LLMGW_BAD_ARGUMENT;
  }
  try {
    rapidjson::Document body;
    const EmbeddingsRequest req = read_embeddings_request(body, view(call.body));
    refuse_token_ids(req, provider);
    Writer w(sb);
    write_body(req, w);
  } catch (const EncodeError& e) {
    llmgw::write(error, e.what());
    return e.status;
  }
  return LLMGW_OK;
}

/// Base64 (RFC 4648, padded) of `n` bytes appended to `out`.
inline void append_base64(std::string& out, const unsigned char* p, std::size_t n) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    const uint32_t v = (uint32_t{p[i]} << 16) | (uint32_t{p[i + 1]} << 8) | p[i + 2];
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (n - i == 1) {
    const uint32_t v = uint32_t{p[i]} << 16;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (n - i == 2) {
    const uint32_t v = (uint32_t{p[i]} << 16) | (uint32_t{p[i + 1]} << 8);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
}

/// The canonical embedding list, written once into one buffer.
class EmbeddingListWriter {
 public:
  explicit EmbeddingListWriter(bool base64) : w_(sb_), base64_(base64) {
    w_.StartObject();
    json::key_string(w_, "object", "list");
    w_.Key("data");
    w_.StartArray();
  }

  /// Appends the next embedding (its index is the number added before it). False, and nothing
  /// written, when `v` is not a non-empty array of numbers within float32's range (an embedding
  /// is float32s; a larger value would be infinity in base64).
  bool add(const Value& v) {
    if (!v.IsArray() || v.Empty()) return false;
    for (const Value& x : v.GetArray())
      if (!x.IsNumber() || !(std::fabs(x.GetDouble()) <= std::numeric_limits<float>::max())) return false;
    w_.StartObject();
    json::key_string(w_, "object", "embedding");
    w_.Key("index");
    w_.Uint64(count_++);
    w_.Key("embedding");
    if (base64_) {
      bytes_.clear();
      for (const Value& x : v.GetArray()) {
        const uint32_t bits = std::bit_cast<uint32_t>(static_cast<float>(x.GetDouble()));
        for (int k = 0; k < 4; ++k) bytes_.push_back(static_cast<unsigned char>(bits >> (8 * k)));  // little-endian
      }
      text_.clear();
      append_base64(text_, bytes_.data(), bytes_.size());
      json::string(w_, text_);
    } else {
      w_.StartArray();
      for (const Value& x : v.GetArray()) w_.Double(x.GetDouble());
      w_.EndArray();
    }
    w_.EndObject();
    return true;
  }

  std::size_t count() const { return count_; }

  /// Closes the list with `model` and the usage (`prompt_tokens` < 0: unknown, written as 0).
  std::string_view finish(std::string_view model, int64_t prompt_tokens) {
    const int64_t p = prompt_tokens > 0 ? prompt_tokens : 0;
    w_.EndArray();
    json::key_string(w_, "model", model);
    w_.Key("usage");
    w_.StartObject();
    w_.Key("prompt_tokens");
    w_.Int64(p);
    w_.Key("total_tokens");
    w_.Int64(p);
    w_.EndObject();
    w_.EndObject();
    return std::string_view(sb_.GetString(), sb_.GetSize());
  }

 private:
  rapidjson::StringBuffer sb_;
  Writer w_;
  bool base64_;
  std::size_t count_ = 0;
  std::vector<unsigned char> bytes_;
  std::string text_;
};

/// Finishes `list`, appends it to the result and reports `prompt_tokens` (-1: unknown).
inline llmgw_status answer_embeddings(const llmgw_result_out& out, EmbeddingListWriter& list, std::string_view model,
                                      int64_t prompt_tokens) {
  const std::string_view body = list.finish(model, prompt_tokens);
  out.append_body(out.ctx, llmgw_str{body.data(), body.size()});
  const llmgw_usage u{sizeof(llmgw_usage), prompt_tokens, 0, -1, -1, -1};
  out.set_usage(out.ctx, &u);
  return LLMGW_OK;
}

/// What a decoder needs from the client's request: the encoding asked for and how many
/// embeddings the answer must hold.
struct EmbeddingsShape {
  bool base64 = false;
  std::size_t inputs = 0;
};

namespace detail {

/// SAX pass over the request body: top-level "encoding_format" and the length of "input"
/// (a string or one token-id array: 1; an array of strings or token-id arrays: its size).
class EmbeddingsShapeScan : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, EmbeddingsShapeScan> {
 public:
  EmbeddingsShape shape;

  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (depth_ == 1) {
      const std::string_view k(s, n);
      key_ = k == "input" ? kInput : k == "encoding_format" ? kFormat : kOther;
    }
    return true;
  }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    if (depth_ == 1 && key_ == kFormat) shape.base64 = std::string_view(s, n) == "base64";
    value(false);
    return true;
  }
  bool Null() { return value(false); }
  bool Bool(bool) { return value(false); }
  bool Default() { return value(true); }  // numbers
  bool StartObject() {
    value(false);
    ++depth_;
    return true;
  }
  bool EndObject(rapidjson::SizeType) {
    --depth_;
    return true;
  }
  bool StartArray() {
    value(false);
    if (depth_ == 1 && key_ == kInput) {
      in_input_ = true;
      first_ = true;
      shape.inputs = 0;
    }
    ++depth_;
    return true;
  }
  bool EndArray(rapidjson::SizeType) {
    if (--depth_ == 1) in_input_ = false;
    return true;
  }

 private:
  enum Member { kOther, kInput, kFormat };
  bool value(bool number) {
    if (depth_ == 1 && key_ == kInput) {
      shape.inputs = 1;
    } else if (depth_ == 2 && in_input_) {
      if (first_) flat_ = number;  // [1, 2, 3]: one token-id input
      first_ = false;
      shape.inputs = flat_ ? 1 : shape.inputs + 1;
    }
    return true;
  }
  int depth_ = 0;
  Member key_ = kOther;
  bool in_input_ = false, first_ = false, flat_ = false;
};

}  // namespace detail

/// The request's encoding and input count, read by one SAX pass (no DOM, no copies) over the
/// call body the core validated; a body it cannot read gives {false, 0}.
inline EmbeddingsShape embeddings_shape(std::string_view body) {
  detail::EmbeddingsShapeScan scan;
  rapidjson::MemoryStream ms(body.data(), body.size());
  rapidjson::Reader reader;
  if (reader.Parse<rapidjson::kParseIterativeFlag>(ms, scan).IsError()) return {};
  return scan.shape;
}

/// The client error line when an upstream answered `got` embeddings for `want` inputs.
inline std::string embeddings_count_mismatch(std::size_t got, std::size_t want) {
  return "upstream answered " + std::to_string(got) + " embeddings for " + std::to_string(want) + " inputs";
}

}  // namespace llmgw::plugin_util
