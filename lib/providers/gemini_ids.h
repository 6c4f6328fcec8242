// Tool-call ids for the Gemini adapter, and the thought signatures they carry.
//
// Gemini often sends function calls without an id, and thinking models attach an opaque
// `thoughtSignature` that must come back unchanged on the same part in the next request
// (wire-formats §4.4). The adapter is stateless, so both travel inside the OpenAI
// tool_call id we hand to the client (§4.4 option (b)) and are decoded when the id comes
// back in a later request. Format (docs/providers.md, "Gemini"):
//
//   call_<stem>[-i<n>_<upstream id>][-s<n>_<signature>|-S<n>_<signature>]
//
// <stem> is alphanumeric plus "_" and never contains "-"; it is derived from the response
// id, the candidate index and the call's position, so ids are deterministic. Each field is
// a tag letter, the length n of its payload in decimal, "_", then exactly n payload
// characters, all in [A-Za-z0-9_-] (Anthropic accepts such ids in history, so a conversation
// can fall back to Anthropic). Payloads:
//   i  the upstream functionCall.id, base64url without padding;
//   s  a canonical standard-base64 signature with "+/" turned into "-_" and "=" padding
//      removed (restored on decode, so the round trip is exact);
//   S  any other signature, as base64url (no padding) of its bytes.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace understudy {

// What a tool_call id of ours carries back to Gemini.
struct GeminiCallRef {
  std::string upstream_id;        // functionCall.id as Gemini sent it; "" when it sent none
  std::string thought_signature;  // "" when the part had none
};

// "g<up to 12 alphanumerics of response_id>_<candidate>_<ordinal>".
std::string gemini_call_stem(std::string_view response_id, int candidate, int ordinal);

// The OpenAI tool_call id for a call.
std::string encode_gemini_call_id(std::string_view stem, const GeminiCallRef& ref);

// The fields of an id made by encode_gemini_call_id. Any other id (a caller's own, or one
// minted by another provider) decodes to empty fields: it is not ours to interpret.
GeminiCallRef decode_gemini_call_id(std::string_view id);

// base64url (RFC 4648 §5) without padding, and its inverse (false on bad input).
std::string base64url_encode(std::string_view bytes);
bool base64url_decode(std::string_view text, std::string& out);

}  // namespace understudy
