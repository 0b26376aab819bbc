# Helpers that keep the build in step with the tree: a stage library picks up
# every source in its folder, and every tests/<stage>/*_test.cc is compiled
# into that stage's test binary, so no test file can exist without running.

function(orauditd_add_stage name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/${name}/*.cc")
  list(FILTER sources EXCLUDE REGEX "_main\\.cc$")
  if(NOT sources)
    # A stage with headers only so far.
    add_library(orauditd_${name} INTERFACE)
    target_include_directories(orauditd_${name} INTERFACE ${PROJECT_SOURCE_DIR})
    target_link_libraries(orauditd_${name} INTERFACE ${ARG_DEPS})
    return()
  endif()
  add_library(orauditd_${name} STATIC ${sources})
  target_include_directories(orauditd_${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(orauditd_${name} PUBLIC ${ARG_DEPS})
  target_compile_definitions(orauditd_${name} PUBLIC
    ORAUDITD_VERSION="${PROJECT_VERSION}")
endfunction()

function(orauditd_add_test_suites)
  # Shared test helpers are compiled once, not once per test binary.
  file(GLOB support_sources CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/tests/support/*.cc")
  add_library(orauditd_test_support STATIC ${support_sources})
  target_include_directories(orauditd_test_support PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(orauditd_test_support PUBLIC
    orauditd_daemon orauditd_tools fake_openrouter_lib GTest::gtest GTest::gmock)
  target_compile_definitions(orauditd_test_support PUBLIC
    ORAUDITD_BIN="$<TARGET_FILE:orauditd>"
    ORAUDITCTL_BIN="$<TARGET_FILE:orauditctl>"
    FAKE_OPENROUTER_BIN="$<TARGET_FILE:fake_openrouter>"
    ORAUDITD_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

  file(GLOB stage_dirs LIST_DIRECTORIES true CONFIGURE_DEPENDS
       "${PROJECT_SOURCE_DIR}/tests/*")
  foreach(dir ${stage_dirs})
    if(NOT IS_DIRECTORY ${dir})
      continue()
    endif()
    get_filename_component(stage ${dir} NAME)
    file(GLOB_RECURSE test_sources CONFIGURE_DEPENDS "${dir}/*_test.cc")
    if(NOT test_sources)
      continue()
    endif()
    set(target ${stage}_tests)
    add_executable(${target} ${test_sources})
    target_link_libraries(${target} PRIVATE orauditd_test_support GTest::gtest_main)
    add_dependencies(${target} orauditd orauditctl fake_openrouter)
    set(label unit)
    if(stage STREQUAL "integration" OR stage STREQUAL "soak")
      set(label ${stage})
    elseif(stage STREQUAL "clients")
      # The client libraries run against the real daemon; Go keeps its build
      # cache in the build tree.
      set(label integration)
      target_compile_definitions(${target} PRIVATE ORAUDITD_BINARY_DIR="${PROJECT_BINARY_DIR}")
    endif()
    gtest_discover_tests(${target}
      DISCOVERY_TIMEOUT 60
      PROPERTIES LABELS ${label} TIMEOUT 300)
  endforeach()
endfunction()
