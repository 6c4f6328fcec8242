// Placeholder until the Anthropic adapter lands (issue 3): every request fails with a clear error.
#include "lib/providers/anthropic.h"

namespace understudy {
namespace {
class PendingAnthropicAdapter final : public ProviderAdapter {
 public:
  ProviderType type() const override { return ProviderType::kAnthropic; }
  Capabilities default_capabilities(const std::string&) const override { return {}; }
  Result<BuiltRequest> build_request(const ChatRequest&, const AttemptTarget&,
                                     const BuildOptions&) const override {
    return invalid_argument("the anthropic wire format is not available in this build yet");
  }
  ReplyOrFailure parse_response(const HttpResponse&, const AttemptTarget&) const override {
    return make_local_failure(FailureClass::kServer, "anthropic adapter unavailable");
  }
  Failure classify_error(const HttpResponse&, WallTime) const override {
    return make_local_failure(FailureClass::kServer, "anthropic adapter unavailable");
  }
  std::unique_ptr<StreamDecoder> new_stream_decoder(const AttemptTarget&) const override {
    return nullptr;
  }
};
}  // namespace

const ProviderAdapter& anthropic_adapter() {
  static const PendingAnthropicAdapter adapter;
  return adapter;
}

}  // namespace understudy
