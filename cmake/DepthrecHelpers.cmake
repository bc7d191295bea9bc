# depthrec_executable(name SOURCES ... LIBS ...): an executable of ours, warnings as errors,
# placed at the top of the build tree so tests and scripts find every tool in one folder.
function(depthrec_executable name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE depthrec_warnings ${ARG_LIBS})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR})
endfunction()
