// The Gemini adapter. See lib/providers/adapter.h for the contract.
#pragma once

#include "lib/providers/adapter.h"

namespace understudy {

const ProviderAdapter& gemini_adapter();

}  // namespace understudy
