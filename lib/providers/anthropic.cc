#include "lib/providers/anthropic.h"

#include "lib/providers/anthropic_errors.h"
#include "lib/providers/anthropic_request.h"
#include "lib/providers/anthropic_response.h"
#include "lib/providers/anthropic_stream.h"
#include "lib/providers/error_text.h"
#include "lib/providers/upstream_request.h"
#include "lib/transport/retry_after.h"

namespace understudy {

namespace {

// Claude models have had a 200k-token context window since Claude 2.1 (1M is a beta opt-in).
constexpr std::int64_t kClaudeContextWindow = 200000;

class AnthropicAdapter final : public ProviderAdapter {
 public:
  ProviderType type() const override { return ProviderType::kAnthropic; }

  Capabilities default_capabilities(const std::string&) const override {
    // A final assistant turn is continued, not answered anew: prefill.
    return standard_capabilities(/*prefill=*/true, kClaudeContextWindow);
  }

  Result<BuiltRequest> build_request(const ChatRequest& request, const AttemptTarget& target,
                                     const BuildOptions& options) const override {
    auto http = start_upstream_request(*target.provider, "/messages");
    if (!http.ok()) return http.status();
    BuiltRequest out;
    auto body = anthropic_request_body(request, target, options, out.dropped_params);
    if (!body.ok()) return body.status();
    out.http = std::move(*http);
    out.http.body = body->dump();
    add_upstream_headers(out.http, options.stream, AuthHeader{"x-api-key", ""}, target.key_value,
                         *target.provider, {{"anthropic-version", kAnthropicVersion}});
    return out;
  }

  ReplyOrFailure parse_response(const HttpResponse& response,
                                const AttemptTarget& target) const override {
    Json j = parse_json_or_discarded(response.body);
    if (j.is_discarded() || !j.is_object()) {
      return make_local_failure(
          FailureClass::kServer,
          "anthropic answered " + std::to_string(response.status) +
              " with a body that is not JSON: " + body_excerpt(response.body, 80));
    }
    return anthropic_chat_response(j, target.ref.model);
  }

  Failure classify_error(const HttpResponse& response, WallTime now) const override {
    Json j = parse_json_or_discarded(response.body);
    Failure f = anthropic_failure(response.status, j, response.body);
    f.retry_after = parse_retry_after(response.headers, now);
    return f;
  }

  std::unique_ptr<StreamDecoder> new_stream_decoder(const AttemptTarget& target) const override {
    return new_anthropic_stream_decoder(target.ref.model);
  }
};

}  // namespace

const ProviderAdapter& anthropic_adapter() {
  static const AnthropicAdapter adapter;
  return adapter;
}

}  // namespace understudy
