// Test support for provider adapter tests: an AttemptTarget together with the
// ProviderConfig it points to, so a test can build requests without a whole Config.
// Not copyable or movable (the target points into the same object). Header-only.
#pragma once

#include <string>
#include <utility>

#include "lib/providers/adapter.h"

namespace understudy::testing {

struct AdapterTarget {
  AdapterTarget(std::string provider_name, std::string base_url, std::string model,
                std::string key_value) {
    provider.name = provider_name;
    provider.base_url = std::move(base_url);
    target.ref = ModelRef{std::move(provider_name), std::move(model)};
    target.provider = &provider;
    target.key_value = std::move(key_value);
  }
  AdapterTarget(const AdapterTarget&) = delete;
  AdapterTarget& operator=(const AdapterTarget&) = delete;

  ProviderConfig provider;
  AttemptTarget target;
};

}  // namespace understudy::testing
