# SPDX-License-Identifier: GPL-3.0-or-later
# Layer 7: nginx JSON access-log lines over syslog, per-upstream requests and percentiles.
