# llmgw_add_plugin(<name> SOURCES ...): a MODULE library that links the SDK only,
# hidden visibility, named <name>.so in lib/llmgw/plugins of the build tree.
function(llmgw_add_plugin name)
  cmake_parse_arguments(P "" "" "SOURCES;LIBS" ${ARGN})
  add_library(${name} MODULE ${P_SOURCES})
  target_link_libraries(${name} PRIVATE llmgw::sdk ${P_LIBS})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY ${LLMGW_PLUGIN_OUT_DIR})
  # Every symbol resolved at link time; not under sanitizers, whose runtime the executable brings.
  if(NOT LLMGW_SANITIZE)
    target_link_options(${name} PRIVATE -Wl,--no-undefined)
  endif()
  llmgw_warnings(${name})
  install(TARGETS ${name} LIBRARY DESTINATION lib/llmgw/plugins)
endfunction()

# llmgw_add_first_party_plugin(<name> SOURCES ... [LIBS ...] [TESTS ...]): a first-party plugin
# of any kind in plugins/<name>. With <id> = <name> with "-" → "_" (provider-openai → provider_openai):
#   <id>_obj            OBJECT library of SOURCES (C++20, PIC, hidden visibility), linking
#                       llmgw::sdk and LIBS publicly; shared by the module and its tests;
#   <name>              the plugin module (llmgw_add_plugin) built from those objects;
#   unit_<id>           with LLMGW_BUILD_TESTS: the Catch2 executable of TESTS, which sees the
#                       plugin's headers and <ID>_FIXTURES="<dir>/tests/fixtures"; CTest unit.<id>.
# CONFIG_SCHEMA <file>: the JSON Schema of the plugin's plugins.load `config:`, copied beside the
#                       module as <name>.config.schema.json (build tree and install), where the
#                       gateway checks `config:` against it at start-up (core/config/plugin_config_schema).
function(llmgw_add_first_party_plugin name)
  cmake_parse_arguments(P "" "CONFIG_SCHEMA" "SOURCES;LIBS;TESTS" ${ARGN})
  string(REPLACE "-" "_" id ${name})
  string(TOUPPER ${id} ID)

  add_library(${id}_obj OBJECT ${P_SOURCES})
  target_link_libraries(${id}_obj PUBLIC llmgw::sdk ${P_LIBS})
  target_compile_features(${id}_obj PUBLIC cxx_std_20)
  set_target_properties(${id}_obj PROPERTIES
    POSITION_INDEPENDENT_CODE ON
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  llmgw_warnings(${id}_obj)

  llmgw_add_plugin(${name} SOURCES $<TARGET_OBJECTS:${id}_obj> LIBS ${P_LIBS})
  if(P_CONFIG_SCHEMA)
    configure_file(${P_CONFIG_SCHEMA} ${LLMGW_PLUGIN_OUT_DIR}/${name}.config.schema.json COPYONLY)
    install(FILES ${P_CONFIG_SCHEMA} DESTINATION lib/llmgw/plugins RENAME ${name}.config.schema.json)
  endif()

  if(LLMGW_BUILD_TESTS AND P_TESTS)
    find_package(Catch2 2 REQUIRED)
    add_executable(unit_${id} ${P_TESTS})
    target_link_libraries(unit_${id} PRIVATE ${id}_obj llmgw_catch_main)
    target_include_directories(unit_${id} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
    target_compile_definitions(unit_${id} PRIVATE ${ID}_FIXTURES="${CMAKE_CURRENT_SOURCE_DIR}/tests/fixtures")
    llmgw_warnings(unit_${id})
    add_test(NAME unit.${id} COMMAND unit_${id})
  endif()
endfunction()

# llmgw_add_provider_plugin / llmgw_add_router_plugin: llmgw_add_first_party_plugin under the
# name of the kind, for the plugins/<name>/CMakeLists.txt that read better that way.
function(llmgw_add_provider_plugin name)
  llmgw_add_first_party_plugin(${name} ${ARGN})
endfunction()
function(llmgw_add_router_plugin name)
  llmgw_add_first_party_plugin(${name} ${ARGN})
endfunction()
