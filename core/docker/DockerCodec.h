// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "DockerTypes.h"
#include "core/util/Result.h"

#include <QJsonObject>

// Pure encoding and decoding of Docker Engine API bodies. What the daemon sends is untrusted: every
// decoder checks the shape it relies on and returns an error instead of guessing or crashing.
namespace lbdeck::docker {

// The API version lbdeck is written against; a newer daemon is spoken to in this version.
inline constexpr int MaxApiMajor = 1;
inline constexpr int MaxApiMinor = 41;

// "1.41" -> {1, 41}; anything else is an error.
Result<std::pair<int, int>> parseApiVersion(const QString& text);
// min(server's version, 1.41), as "1.41".
Result<QString> negotiatedVersion(const QString& serverApiVersion);

// A failed call's body ({"message": "..."}), mapped to our codes; status kept in Error::status.
Error decodeError(const QByteArray& body, int httpStatus, const QString& where);

Result<QJsonObject> parseObject(const QByteArray& body);
Result<DockerVersion> parseVersion(const QByteArray& body);
Result<QList<ContainerSummary>> parseContainerList(const QByteArray& body);
Result<ContainerInfo> parseContainerInspect(const QByteArray& body);
Result<QList<ImageSummary>> parseImageList(const QByteArray& body);
// {"Id": "..."} from container and exec create.
Result<QString> parseCreatedId(const QByteArray& body);
Result<ExecState> parseExecInspect(const QByteArray& body);
// One stats object; the CPU share needs its precpu_stats (absent in a stream's first sample: 0 %).
Result<StatsSample> parseStats(const QJsonObject& stats);
// An RFC 3339 time with nanoseconds, as Docker writes it; Docker's zero time is an invalid QDateTime.
QDateTime parseTime(const QString& text);

QByteArray containerCreateBody(const ContainerSpec& spec);
QByteArray execCreateBody(const QStringList& cmd);
// The `filters` query parameter: {"label": ["a=b"]}, compact JSON, not yet percent-encoded.
QByteArray filtersJson(const QMap<QString, QStringList>& filters);

} // namespace lbdeck::docker
