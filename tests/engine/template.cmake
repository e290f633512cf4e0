# SPDX-License-Identifier: GPL-3.0-or-later
# The Go text/template engine with confd's functions (core/engine/template).
lbdeck_add_test(test_template
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/template/TestTemplate.h
    ${CMAKE_CURRENT_LIST_DIR}/template/TestTemplate.cpp
    ${CMAKE_CURRENT_LIST_DIR}/template/TestLanguage.cpp
    ${CMAKE_CURRENT_LIST_DIR}/template/TestPrinting.cpp
    ${CMAKE_CURRENT_LIST_DIR}/template/TestConfd.cpp
    ${CMAKE_CURRENT_LIST_DIR}/template/TestErrors.cpp
    ${CMAKE_CURRENT_LIST_DIR}/template/TestGolden.cpp
  LIBS lbdeck_template)
