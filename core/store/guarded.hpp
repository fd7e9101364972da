// Runs one repository operation and turns Poco's database exceptions into StoreError, naming the
// operation ("creating a key: …"). Shared by the key and team repositories.
#pragma once

#include <Poco/Exception.h>

#include <string>
#include <utility>

#include "store/store_error.hpp"

namespace llmgw::store::detail {

template <typename F>
auto guarded(const char* what, F&& f) {
  try {
    return std::forward<F>(f)();
  } catch (const Poco::Exception& e) {
    throw StoreError(std::string(what) + ": " + e.displayText());
  }
}

}  // namespace llmgw::store::detail
