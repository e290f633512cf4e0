// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "HttpEndpoint.h"
#include "HttpMessage.h"
#include "core/util/Result.h"

namespace lbdeck {

// A synchronous HTTP/1.1 exchange for worker threads that must finish a step before the next one
// (the engine's deploy thread talking to a Docker socket). Same parser as HttpClient, one
// connection per request, a hard timeout. Never call it on the GUI thread.
Result<HttpResponse> blockingHttp(const HttpEndpoint& endpoint, const HttpRequest& request);

} // namespace lbdeck
