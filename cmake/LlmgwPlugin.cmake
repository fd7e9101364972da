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
  target_link_options(${name} PRIVATE -Wl,--no-undefined)
  llmgw_warnings(${name})
  install(TARGETS ${name} LIBRARY DESTINATION lib/llmgw/plugins)
endfunction()
