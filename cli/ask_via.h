// `understudy ask --via URL`: the request goes to a running `understudy serve` instead of
// being routed in this process. It is POSTed to URL/v1/chat/completions (with the chosen
// `fallbacks`) over HttpTransport; a streamed answer is read with the SSE parser and its
// text written as it arrives. Who served and the attempt trail come back in the gateway's
// extra_fields (the last chunk of a stream, the body otherwise, or the error body) and are
// rebuilt into a RequestRecord so the summary and -v trail look the same as in-process.
//
// When $UNDERSTUDY_API_KEY is set it is sent as the bearer token (for a gateway with
// [server] auth_tokens); it is never printed. Runs on the calling thread.
#pragma once

#include <optional>
#include <string>

#include "cli/ask_route.h"
#include "lib/core/status.h"
#include "lib/transport/http.h"

namespace understudy::cli {

// The endpoint for a --via URL: "http://127.0.0.1:8080" (any path prefix kept) gets
// "/v1/chat/completions" appended; a URL already ending in "/v1" gets "/chat/completions".
// Errors (not http or https, no host) are invalid_argument naming the URL.
Result<HttpRequest> via_endpoint(const std::string& url);

AskOutcome ask_via(const std::string& url, const AskCall& call,
                   const std::optional<std::string>& bearer, AskOutput& out);

}  // namespace understudy::cli
