// The Gemini adapter: glue between the ProviderAdapter contract and the translation
// modules (gemini_request, gemini_response, gemini_stream, gemini_errors).
#include "lib/providers/gemini.h"

#include "lib/providers/gemini_errors.h"
#include "lib/providers/gemini_request.h"
#include "lib/providers/gemini_response.h"
#include "lib/providers/gemini_stream.h"

namespace understudy {

namespace {

class GeminiAdapter final : public ProviderAdapter {
 public:
  ProviderType type() const override { return ProviderType::kGemini; }

  Capabilities default_capabilities(const std::string&) const override {
    Capabilities c;
    c.streaming = true;
    c.tools = true;
    c.vision = true;
    c.json_mode = true;
    c.prefill = false;  // a trailing model turn is not reliably continued
    c.context_window = 1048576;
    return c;
  }

  Result<BuiltRequest> build_request(const ChatRequest& request, const AttemptTarget& target,
                                     const BuildOptions& options) const override {
    auto url = split_url(target.provider->base_url);
    if (!url) {
      return invalid_argument("provider " + target.provider->name + ": invalid base_url \"" +
                              target.provider->base_url + "\"");
    }
    auto body = translate_gemini_request(request.body, target.ref.model, options.assistant_prefix);
    if (!body.ok()) return body.status();
    BuiltRequest out;
    out.http.method = "POST";
    out.http.base_url = url->base;
    out.http.path = gemini_method_path(url->path, target.ref.model, options.stream);
    out.http.body = body->body.dump();
    out.dropped_params = std::move(body->dropped_params);
    Headers& h = out.http.headers;
    h.emplace_back("Content-Type", "application/json");
    h.emplace_back("Accept", options.stream ? "text/event-stream" : "application/json");
    if (options.stream) h.emplace_back("Accept-Encoding", "identity");
    if (!target.key_value.empty()) h.emplace_back("x-goog-api-key", target.key_value);
    for (const auto& [k, v] : target.provider->headers) set_header(h, k, v);
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
