# SPDX-License-Identifier: GPL-3.0-or-later
# The askpass helper, built from the product's source for the tests (the product target is in app/).
add_executable(lbdeck-askpass-test ${PROJECT_SOURCE_DIR}/core/ssh/askpass/askpass_main.cpp)
target_include_directories(lbdeck-askpass-test PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(lbdeck-askpass-test PRIVATE lbdeck_settings Qt6::Core Qt6::Network)

lbdeck_add_test(test_ssh_parsing SOURCES TestSshParsing.cpp LIBS lbdeck_core LABELS ssh)
lbdeck_add_test(test_ssh_tunnel SOURCES TestSshTunnel.cpp SshTestSupport.cpp SshTestSupport.h
  LIBS lbdeck_core lbdeck_testbed LABELS ssh TIMEOUT 600)
target_compile_definitions(test_ssh_tunnel PRIVATE
  LBDECK_ASKPASS_HELPER="$<TARGET_FILE:lbdeck-askpass-test>")
# Building test_ssh_tunnel builds everything `ctest -R test_ssh` runs.
add_dependencies(test_ssh_tunnel lbdeck-askpass-test test_ssh_parsing)
lbdeck_add_test(test_runtime_directory SOURCES TestRuntimeDirectory.cpp LIBS lbdeck_core LABELS ssh)
