# One place for warning flags.
function(llmgw_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
  # clang 14 in C++20 flags every RapidJSON 1.1 iterator comparison (its operator== / != are not
  # symmetric): thousands of lines about the library, none about our code.
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    target_compile_options(${target} PRIVATE -Wno-ambiguous-reversed-operator)
  endif()
endfunction()
