// adapter_for and effective_capabilities: the map from provider type to wire format.
#include "lib/core/glob.h"
#include "lib/providers/adapter.h"
#include "lib/providers/anthropic.h"
#include "lib/providers/gemini.h"
#include "lib/providers/openai.h"

namespace understudy {

const ProviderAdapter& adapter_for(ProviderType type) {
  switch (type) {
    case ProviderType::kAnthropic:
      return anthropic_adapter();
    case ProviderType::kGemini:
      return gemini_adapter();
    case ProviderType::kOpenAI:
    case ProviderType::kMock:
      return openai_adapter();
  }
  return openai_adapter();
}

ResolvedCapabilities effective_capabilities(const ProviderConfig& provider,
                                            const std::string& model) {
  Capabilities d = adapter_for(provider.type).default_capabilities(model);
  // The in-process mock speaks the OpenAI format but can continue an assistant prefix.
  if (provider.type == ProviderType::kMock) d.prefill = true;
  Capabilities o = provider.capabilities;
  for (const auto& [pattern, c] : provider.model_capabilities) {
    if (!glob_match(pattern, model)) continue;
    if (c.streaming) o.streaming = c.streaming;
    if (c.tools) o.tools = c.tools;
    if (c.vision) o.vision = c.vision;
    if (c.json_mode) o.json_mode = c.json_mode;
    if (c.prefill) o.prefill = c.prefill;
    if (c.context_window) o.context_window = c.context_window;
  }
  ResolvedCapabilities r;
  r.streaming = o.streaming.value_or(d.streaming.value_or(true));
  r.tools = o.tools.value_or(d.tools.value_or(true));
  r.vision = o.vision.value_or(d.vision.value_or(true));
  r.json_mode = o.json_mode.value_or(d.json_mode.value_or(true));
  r.prefill = o.prefill.value_or(d.prefill.value_or(false));
  r.context_window = o.context_window.value_or(d.context_window.value_or(0));
  return r;
}

const char* provider_type_name(ProviderType t) {
  switch (t) {
    case ProviderType::kOpenAI:
      return "openai";
    case ProviderType::kAnthropic:
      return "anthropic";
    case ProviderType::kGemini:
      return "gemini";
    case ProviderType::kMock:
      return "mock";
  }
  return "openai";
}

}  // namespace understudy
