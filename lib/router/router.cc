#include "lib/router/router.h"

#include "lib/router/request_run.h"

namespace understudy {

Router::Router(RouterDeps deps) : deps_(std::move(deps)) {}

RouteResult Router::complete(const ChatRequest& request, const RequestContext& ctx) {
  RequestRun run(deps_, request, ctx, nullptr);
  return run.run();
}

RouteResult Router::stream(const ChatRequest& request, const RequestContext& ctx,
                           StreamSink& sink) {
  RequestRun run(deps_, request, ctx, &sink);
  return run.run();
}

Json openai_error_object(const Failure& f) {
  auto or_null = [](const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); };
  return Json{{"message", f.message.empty() ? std::string("upstream request failed") : f.message},
              {"type", f.type.empty() ? std::string("server_error") : f.type},
              {"param", or_null(f.param)},
              {"code", or_null(f.code)}};
}

}  // namespace understudy
