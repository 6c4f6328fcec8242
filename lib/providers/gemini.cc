// The Gemini adapter: glue between the ProviderAdapter contract and the translation
// modules (gemini_request, gemini_response, gemini_stream, gemini_errors).
#include "lib/providers/gemini.h"

#include "lib/providers/gemini_errors.h"
#include "lib/providers/gemini_request.h"
#include "lib/providers/gemini_response.h"
#include "lib/providers/gemini_stream.h"
#include "lib/providers/upstream_request.h"

namespace understudy {

namespace {

class GeminiAdapter final : public ProviderAdapter {
 public:
  ProviderType type() const override { return ProviderType::kGemini; }

  Capabilities default_capabilities(const std::string&) const override {
    // A trailing model turn is not reliably continued: no prefill.
    return standard_capabilities(/*prefill=*/false, 1048576);
  }

  Result<BuiltRequest> build_request(const ChatRequest& request, const AttemptTarget& target,
                                     const BuildOptions& options) const override {
    auto http = start_upstream_request(*target.provider,
                                       gemini_method_path("", target.ref.model, options.stream));
    if (!http.ok()) return http.status();
    auto body = translate_gemini_request(request.body, target.ref.model, options.assistant_prefix);
    if (!body.ok()) return body.status();
    BuiltRequest out;
    out.http = std::move(*http);
    out.http.body = body->body.dump();
    out.dropped_params = std::move(body->dropped_params);
    add_upstream_headers(out.http, options.stream, AuthHeader{"x-goog-api-key", ""},
                         target.key_value, *target.provider);
    return out;
  }

  ReplyOrFailure parse_response(const HttpResponse& response,
                                const AttemptTarget& target) const override {
    return parse_gemini_reply(response.body, target.ref.model);
  }

  Failure classify_error(const HttpResponse& response, WallTime now) const override {
    return classify_gemini_error(response, now);
  }

  std::unique_ptr<StreamDecoder> new_stream_decoder(const AttemptTarget& target) const override {
    return new_gemini_stream_decoder(target.ref.model);
  }
};

}  // namespace

const ProviderAdapter& gemini_adapter() {
  static const GeminiAdapter adapter;
  return adapter;
}

}  // namespace understudy
