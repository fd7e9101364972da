// A request scan's SAX handler that also tallies the budget estimate (policy/estimate_tally) as
// the events pass: both scan paths (the simdjson fast walk and the reference rapidjson parse)
// drive it, so the estimate is of the bytes the scan accepted, with no second parse. `H` is the
// dialect's handler (a rapidjson::BaseReaderHandler); its own events and rules are unchanged.
#pragma once

#include <rapidjson/reader.h>

#include <cstdint>
#include <string_view>
#include <utility>

#include "policy/estimate_tally.hpp"

namespace llmgw::frontends {

template <class H>
class Tallying : public H {
 public:
  template <class... Args>
  explicit Tallying(policy::EstimateTally& tally, Args&&... args) : H(std::forward<Args>(args)...), t_(tally) {}

  bool Null() {
    t_.other();
    return H::Null();
  }
  bool Bool(bool b) {
    t_.other();
    return H::Bool(b);
  }
  bool Int(int v) {
    t_.number(v);
    return H::Int(v);
  }
  bool Uint(unsigned v) {
    t_.number(v);
    return H::Uint(v);
  }
  bool Int64(std::int64_t v) {
    t_.number(v);
    return H::Int64(v);
  }
  bool Uint64(std::uint64_t v) {
    t_.number_u64(v);
    return H::Uint64(v);
  }
  bool Double(double v) {
    t_.number_double(v);
    return H::Double(v);
  }
  bool String(const char* s, rapidjson::SizeType len, bool copy) {
    t_.string(len);
    return H::String(s, len, copy);
  }
  bool Key(const char* s, rapidjson::SizeType len, bool copy) {
    t_.key(std::string_view(s, len));
    return H::Key(s, len, copy);
  }
  bool StartObject() {
    t_.open();
    return H::StartObject();
  }
  bool EndObject(rapidjson::SizeType n) {
    t_.close();
    return H::EndObject(n);
  }
  bool StartArray() {
    t_.open();
    return H::StartArray();
  }
  bool EndArray(rapidjson::SizeType n) {
    t_.close();
    return H::EndArray(n);
  }

 private:
  policy::EstimateTally& t_;
};

}  // namespace llmgw::frontends
