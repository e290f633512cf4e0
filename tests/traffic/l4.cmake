# SPDX-License-Identifier: GPL-3.0-or-later
# Layer 4: packet decoding, flows, the live meter against tcpdump.
