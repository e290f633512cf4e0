# SPDX-License-Identifier: GPL-3.0-or-later
# Layer 7: nginx JSON access-log lines over syslog, per-upstream requests and percentiles.
lbdeck_add_test(test_accesslog_parser SOURCES TestAccessLogParser.cpp LIBS lbdeck_traffic TIMEOUT 60)
lbdeck_add_test(test_l7_stats SOURCES TestL7Stats.cpp LIBS lbdeck_traffic TIMEOUT 60)
lbdeck_add_test(test_accesslog_receiver SOURCES TestAccessLogReceiver.cpp LIBS lbdeck_traffic lbdeck_testbed
  TIMEOUT 60)
# nginx balancer and backends on 127.0.1.7-127.0.1.10 (free ports), the access log on a unix socket.
lbdeck_add_test(test_l7_live SOURCES TestL7Live.cpp LIBS lbdeck_traffic lbdeck_testbed TIMEOUT 120)
