# SPDX-License-Identifier: GPL-3.0-or-later
# Strict compiler and Qt settings shared by every lbdeck target.
add_library(lbdeck_settings INTERFACE)
target_compile_options(lbdeck_settings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow=local -Wnon-virtual-dtor -Woverloaded-virtual -Wcast-align
  -Wformat=2 -Wimplicit-fallthrough -Wmissing-declarations)
if(LBDECK_WERROR)
  target_compile_options(lbdeck_settings INTERFACE -Werror)
endif()
target_compile_definitions(lbdeck_settings INTERFACE
  QT_NO_KEYWORDS
  QT_NO_CONTEXTLESS_CONNECT
  QT_NO_CAST_FROM_ASCII
  QT_NO_CAST_TO_ASCII
  QT_NO_FOREACH
  QT_NO_URL_CAST_FROM_STRING
  QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
  QT_DISABLE_DEPRECATED_UP_TO=0x060400
  QT_MESSAGELOGCONTEXT)

# lbdeck_add_test(name SOURCES ... [LIBS ...] [LABELS ...] [TIMEOUT s] [RESOURCE_LOCK r...]): RESOURCE_LOCK
# serialises tests that bind the same fixed addresses (the seed backends 127.0.1.3:8001, 127.0.1.2:8002).
function(lbdeck_add_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LIBS;LABELS;RESOURCE_LOCK" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE lbdeck_settings Qt6::Test ${T_LIBS})
  add_test(NAME ${name} COMMAND ${name})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  # A QSKIP shows as "Skipped" in ctest's summary, never as a pass.
  set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT} SKIP_REGULAR_EXPRESSION "SKIP   : "
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;LBDECK_SOURCE_DIR=${PROJECT_SOURCE_DIR};LBDECK_BINARY_DIR=${PROJECT_BINARY_DIR}"
    FIXTURES_REQUIRED leftovers)
  if(T_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}")
  endif()
  if(T_RESOURCE_LOCK)
    set_tests_properties(${name} PROPERTIES RESOURCE_LOCK "${T_RESOURCE_LOCK}")
  endif()
endfunction()

# lbdeck_add_keyring_test(name SOURCES ... [LIBS ...] [TIMEOUT s]): like lbdeck_add_test, run inside
# a private D-Bus session with an unlocked gnome-keyring (tests/support/with-keyring.sh).
function(lbdeck_add_keyring_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LIBS;LABELS;RESOURCE_LOCK" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE lbdeck_settings Qt6::Test ${T_LIBS})
  add_test(NAME ${name} COMMAND ${PROJECT_SOURCE_DIR}/tests/support/with-keyring.sh $<TARGET_FILE:${name}>)
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT} LABELS "keyring;${T_LABELS}"
    SKIP_REGULAR_EXPRESSION "SKIP   : " FIXTURES_REQUIRED leftovers
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;LBDECK_SOURCE_DIR=${PROJECT_SOURCE_DIR};LBDECK_BINARY_DIR=${PROJECT_BINARY_DIR}")
  if(T_RESOURCE_LOCK)
    set_tests_properties(${name} PROPERTIES RESOURCE_LOCK "${T_RESOURCE_LOCK}")
  endif()
endfunction()
