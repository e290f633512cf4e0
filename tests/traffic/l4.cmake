# SPDX-License-Identifier: GPL-3.0-or-later
# Layer 4: packet decoding, flows, the live meter against tcpdump.
add_library(lbdeck_traffic_l4_support STATIC ${CMAKE_CURRENT_SOURCE_DIR}/PacketBuilder.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/PacketBuilder.h ${CMAKE_CURRENT_SOURCE_DIR}/TcpdumpTool.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/TcpdumpTool.h)
target_include_directories(lbdeck_traffic_l4_support PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(lbdeck_traffic_l4_support PUBLIC lbdeck_traffic Qt6::Core Qt6::Network)

lbdeck_add_test(test_traffic_decoder SOURCES TestPacketDecoder.cpp LIBS lbdeck_traffic_l4_support TIMEOUT 60)
lbdeck_add_test(test_traffic_counters SOURCES TestTrafficCounters.cpp LIBS lbdeck_traffic_l4_support TIMEOUT 60)
lbdeck_add_test(test_tcpdump_line SOURCES TestTcpdumpLine.cpp LIBS lbdeck_traffic_l4_support TIMEOUT 60)
# Own nginx servers on free ports (127.0.1.21/22): no seed_backends lock needed.
lbdeck_add_test(test_traffic_meter_live SOURCES TestTrafficMeterLive.cpp LIBS lbdeck_traffic_l4_support lbdeck_testbed TIMEOUT 120)
lbdeck_add_test(test_traffic_history SOURCES TestTrafficHistory.cpp LIBS lbdeck_traffic_l4_support TIMEOUT 60)
lbdeck_add_test(test_traffic_line_feed SOURCES TestLineFeed.cpp LIBS lbdeck_traffic TIMEOUT 60)
# lbdeck-engine as a process with its own nginx, backends (127.0.1.31/32, a free port) and etcd.
lbdeck_add_test(test_traffic_engine SOURCES TestTrafficEngine.cpp LIBS lbdeck_core lbdeck_traffic_l4_support lbdeck_testbed
  TIMEOUT 180)
add_dependencies(test_traffic_engine lbdeck-engine)
lbdeck_add_test(test_traffic_replay SOURCES TestTrafficReplay.cpp LIBS lbdeck_traffic_l4_support TIMEOUT 60)
