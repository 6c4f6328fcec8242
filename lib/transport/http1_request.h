// format_request_head: the bytes of an HTTP/1.1 request line and header section, as our
// own client (plain_http_client.h) sends them. Pure; no I/O.
//
// The request's headers go out as given, in order, except the framing headers
// (Content-Length, Transfer-Encoding), which the client owns: it always sends the body with
// a Content-Length of its own. Added unless the request sets them: Host (`host_header`),
// Accept: */*, Accept-Encoding: identity (streams are parsed as they arrive and nothing is
// decompressed), User-Agent: understudy/<version>. Content-Length is sent for a non-empty
// body and for POST, PUT and PATCH (an empty body there still has a defined meaning). No
// Connection header: HTTP/1.1 connections are persistent unless one side says close.
//
// Preconditions: method, target and headers were validated (no CR, LF or other control
// characters; HttpTransport refuses such requests before anything is sent).
#pragma once

#include <string>
#include <string_view>

#include "lib/transport/http.h"

namespace understudy {

std::string format_request_head(const HttpRequest& req, std::string_view target,
                                std::string_view host_header);

}  // namespace understudy
