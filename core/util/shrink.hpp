// Giving memory back after one large message: reused buffers keep their capacity between
// messages (no allocation on the common path), but one that grew far past the usual size for a
// single large answer is released, so the process's memory returns near its baseline.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace llmgw::util {

/// Capacity a reused buffer may keep: larger than every ordinary request or answer.
inline constexpr std::size_t kKeepCapacity = 1024 * 1024;

/// Frees `buffer`'s storage when it grew past kKeepCapacity (contents are dropped).
inline void shrink_after_peak(std::string& buffer) {
  if (buffer.capacity() > kKeepCapacity) std::string().swap(buffer);
}

template <class T>
void shrink_after_peak(std::vector<T>& buffer) {
  if (buffer.capacity() * sizeof(T) > kKeepCapacity) std::vector<T>().swap(buffer);
}

}  // namespace llmgw::util
