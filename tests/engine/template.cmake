# SPDX-License-Identifier: GPL-3.0-or-later
# The Go text/template engine with confd's functions (core/engine/template).
lbdeck_add_test(test_template
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/template/TestTemplate.h
    ${CMAKE_CURRENT_LIST_DIR}/template/TestTemplate.cpp
    ${CMAKE_CURRENT_LIST_DIR}/template/TestLanguage.cpp
    ${CMAKE_CURRENT_LIST_DIR}/template/TestPrinting.cpp
    ${CMAKE_CURRENT_LIST_DIR}/template/TestConfd.cpp
    ${CMAKE_CURRENT_LIST_DIR}/template/TestConfdTable.cpp
    ${CMAKE_CURRENT_LIST_DIR}/template/TestErrors.cpp
    ${CMAKE_CURRENT_LIST_DIR}/template/TestGolden.cpp
  LIBS lbdeck_template)

# Go 1.19's own text/template (template/oracle/oracle.go, `go run`) against the engine, case by case.
# Needs the Go toolchain (tools/install-deps installs golang-go); fails without it. The first run
# compiles the oracle into the build dir's GOCACHE.
lbdeck_add_test(test_template_oracle
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/template/TestOracle.cpp
  LIBS lbdeck_template
  TIMEOUT 600)
