// Strictness of the fake provider servers: the checks the real OpenAI, Anthropic and Gemini
// APIs make before they answer, each rejection with that provider's own status and error
// body (documented in docs/mock.md). A gateway that passes the fakes sends requests the real
// services accept; one that, say, forgets Anthropic's max_tokens fails here the way it would
// fail in production.
//
// Also: which credential a request carries, and its fingerprint, the only trace of it the
// request log and the fault rules ever see. Pure functions.
#pragma once

#include <optional>
#include <string>

#include "lib/transport/http.h"
#include "mocks/fake_reply.h"

namespace understudy {

struct Credential {
  std::string header;  // "authorization", "x-api-key", "x-goog-api-key" or "key" (query)
  std::string value;   // the secret itself (the Bearer token without "Bearer ")
};

// The credential of `req` in the way its wire format carries it: OpenAI "Authorization:
// Bearer", Anthropic "x-api-key", Gemini "x-goog-api-key" or the "key" query parameter.
// nullopt when absent or empty.
std::optional<Credential> find_credential(WireFormat format, const HttpRequest& req);

// The first 8 hex characters of SHA-256(value): enough to tell keys apart in a log or a
// fault rule, useless for recovering the key. `printf %s "$KEY" | sha256sum | cut -c1-8`.
std::string credential_fingerprint(const std::string& value);

// `path` with the value of any "key" query parameter replaced by "[redacted]".
std::string redact_key_query(const std::string& path);

struct Rejection {
  FakeHttpReply reply;
  std::string message;  // the error message sent, for the request log
};

// The provider's rejection of `req` (already parsed into `fake`), or nullopt when a real
// service would accept it. Checks run in the order the services apply them: credential,
// version header, JSON body, required fields, message rules.
std::optional<Rejection> validate_fake_request(const FakeRequest& fake, const HttpRequest& req);

}  // namespace understudy
