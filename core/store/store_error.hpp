// The one error type of core/store: a database that cannot be opened, a statement that failed, a
// bad DATABASE_URL. what() never contains a password.
#pragma once

#include <stdexcept>

namespace llmgw::store {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace llmgw::store
