// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// libFuzzer target: every decoder of etcd answers (v3 gateway JSON, v2 keys JSON) takes untrusted
// bytes and must answer with a value or an error, never a crash.
#include "core/etcd/EtcdV2Codec.h"
#include "core/etcd/EtcdV3Codec.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray body(reinterpret_cast<const char*>(data), qsizetype(size));
    using namespace lbdeck;
    (void)etcdv3::parseRange(body);
    (void)etcdv3::parseWatchMessage(body);
    (void)etcdv3::parsePut(body);
    (void)etcdv3::parseDelete(body);
    (void)etcdv3::parseCas(body);
    (void)etcdv3::parseLease(body);
    (void)etcdv3::parseMembers(body);
    (void)etcdv3::parseStatus(body);
    (void)etcdv3::parseAuthToken(body);
    (void)etcdv3::decodeError(body, 400, QString());
    (void)etcdv2::parseNodeTree(body);
    (void)etcdv2::parseWatchEvent(body);
    (void)etcdv2::parseMembers(body);
    (void)etcdv2::parseApiError(body);
    (void)etcdv2::keyPath(body);
    return 0;
}
