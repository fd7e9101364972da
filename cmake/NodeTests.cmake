# Node.js test files (node --test) registered with CTest against the real llmgw binary.
#
# llmgw_node_tests(<prefix> <label> FILES <file>... [TIMEOUT <s>] [STRIP <suffix>])
#   one CTest test per file, named <prefix>.<file name without .test.mjs and without <suffix>>,
#   with LLMGW_BIN and LLMGW_PLUGIN_DIR in its environment.
# llmgw_require_node_modules(<dir> <package> <option>)
#   stops configuring with a clear message when <dir>/node_modules/<package> is missing.
find_program(LLMGW_NODE node)

function(llmgw_node_tests prefix label)
  cmake_parse_arguments(T "" "TIMEOUT;STRIP" "FILES" ${ARGN})
  if(NOT LLMGW_NODE)
    message(FATAL_ERROR "Node.js (>= 20) is required for the ${prefix} tests: install nodejs, "
                        "or configure with -DLLMGW_BUILD_TESTS=OFF")
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  foreach(test_file IN LISTS T_FILES)
    get_filename_component(file_name ${test_file} NAME)
    string(REGEX REPLACE "\\.test\\.mjs$" "" test_name ${file_name})
    if(T_STRIP)
      string(REGEX REPLACE "${T_STRIP}$" "" test_name ${test_name})
    endif()
    add_test(NAME ${prefix}.${test_name}
             COMMAND ${LLMGW_NODE} --test --test-reporter=spec ${test_file})
    set_tests_properties(${prefix}.${test_name} PROPERTIES
                         ENVIRONMENT "LLMGW_BIN=$<TARGET_FILE:llmgw>;LLMGW_PLUGIN_DIR=${LLMGW_PLUGIN_OUT_DIR}"
                         TIMEOUT ${T_TIMEOUT}
                         LABELS ${label})
  endforeach()
endfunction()

function(llmgw_require_node_modules dir package option)
  if(NOT EXISTS ${dir}/node_modules/${package}/package.json)
    message(FATAL_ERROR "${dir}/node_modules is missing (${package} is not installed): "
                        "run scripts/install-node-deps.sh, then re-run cmake; "
                        "or configure with -D${option}=OFF to skip these tests")
  endif()
endfunction()
