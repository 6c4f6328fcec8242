// The Anthropic adapter. See lib/providers/adapter.h for the contract.
#pragma once

#include "lib/providers/adapter.h"

namespace understudy {

const ProviderAdapter& anthropic_adapter();

}  // namespace understudy
