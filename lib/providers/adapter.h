// ProviderAdapter: one per wire format (OpenAI + compatible presets, Anthropic, Gemini).
//
// An adapter is stateless and immutable, so one instance serves every request on every
// thread. It translates the canonical (OpenAI-shaped) request into the provider's HTTP
// request, the provider's reply back into the canonical shape, and classifies failures from
// status AND body (design §5). It does no I/O: the router sends what it builds through the
// Transport seam. Errors: build_request fails only for requests this provider cannot
// express (invalid_argument naming the field); parse/classify never fail, they return a
// Failure instead.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "lib/config/config.h"
#include "lib/core/failure.h"
#include "lib/core/status.h"
#include "lib/model/chat.h"
#include "lib/model/model_ref.h"
#include "lib/transport/http.h"

namespace understudy {

// Who an attempt goes to.
struct AttemptTarget {
  ModelRef ref;                              // provider/model as planned
  const ProviderConfig* provider = nullptr;  // never null
  const KeyConfig* key = nullptr;            // null when the provider needs no key
  std::string key_value;                     // the secret to send; "" when none
};

struct BuildOptions {
  bool stream = false;
  // Streams: ask the upstream for usage so the gateway can report it (OpenAI needs
  // stream_options.include_usage; others always send it).
  bool want_usage = false;
  // Continuation (design §7): the assistant text already sent to the caller. The adapter
  // appends it as a trailing assistant message so the model continues it. Only used for
  // targets with the prefill capability.
  std::optional<std::string> assistant_prefix;
};

struct BuiltRequest {
  HttpRequest http;
  std::vector<std::string> dropped_params;  // caller params this provider cannot take
};

// A canonical reply, or the failure it turned out to be (e.g. a 200 carrying an error).
using ReplyOrFailure = std::variant<ChatResponse, Failure>;

// One decoded event of an upstream stream.
struct StreamEvent {
  enum class Kind {
    kChunk,    // `chunk` is an OpenAI chat.completion.chunk
    kFailure,  // an error inside the stream (or a truncated stream at finish())
    kEnd,      // the message finished properly (terminator seen, or implied by finish)
    kSkipped,  // a malformed event was dropped; `note` says what
  };
  Kind kind = Kind::kChunk;
  Json chunk;
  Failure failure;
  std::string note;
};

// Turns raw upstream body bytes into StreamEvents. Stateful, one per attempt, one thread.
class StreamDecoder {
 public:
  virtual ~StreamDecoder() = default;
  // Any split of the byte stream gives the same events as any other.
  virtual void feed(std::string_view bytes, std::vector<StreamEvent>& out) = 0;
  // End of body. Appends kEnd when the message had finished (completing a missing [DONE]),
  // or a kFailure (class network, "stream ended before the message finished") otherwise.
  virtual void finish(std::vector<StreamEvent>& out) = 0;
};

class ProviderAdapter {
 public:
  virtual ~ProviderAdapter() = default;

  virtual ProviderType type() const = 0;

  // Defaults for a model; config overrides are applied on top by effective_capabilities.
  virtual Capabilities default_capabilities(const std::string& model) const = 0;

  virtual Result<BuiltRequest> build_request(const ChatRequest& request,
                                             const AttemptTarget& target,
                                             const BuildOptions& options) const = 0;

  // A 2xx non-streaming reply -> canonical response (its "model" is the served model).
  virtual ReplyOrFailure parse_response(const HttpResponse& response,
                                        const AttemptTarget& target) const = 0;

  // A non-2xx reply -> Failure with class, normalized OpenAI-style fields and retry hint.
  // `now` resolves HTTP-date Retry-After values.
  virtual Failure classify_error(const HttpResponse& response, WallTime now) const = 0;

  virtual std::unique_ptr<StreamDecoder> new_stream_decoder(const AttemptTarget& target) const = 0;
};

// The adapter for a provider type. Adapters live for the whole process.
const ProviderAdapter& adapter_for(ProviderType type);

// Capabilities with every field set: config overrides over adapter defaults.
struct ResolvedCapabilities {
  bool streaming = true;
  bool tools = true;
  bool vision = true;
  bool json_mode = true;
  bool prefill = false;
  std::int64_t context_window = 0;  // 0 = unknown
};
ResolvedCapabilities effective_capabilities(const ProviderConfig& provider,
                                            const std::string& model);

}  // namespace understudy
