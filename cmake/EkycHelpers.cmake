# ekyc_add_test(NAME name SOURCES a_test.cpp ... LIBS lib ... [LABELS l ...])
# Builds one GoogleTest binary and registers each of its tests with CTest.
# Tests find shared data and models through these compile definitions.
function(ekyc_add_test)
  cmake_parse_arguments(T "" "NAME" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${T_NAME} PRIVATE
    EKYC_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    EKYC_SHARED_DIR="${EKYC_SHARED_DIR}"
    EKYC_MODEL_DIR="${EKYC_MODEL_DIR}"
    EKYC_PKG_DIR="${EKYC_PKG_DIR}"
    EKYC_BINARY_DIR="${CMAKE_BINARY_DIR}")
  gtest_discover_tests(${T_NAME} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${T_LABELS}")
endfunction()
