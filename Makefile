# Thin wrapper around CMake. See README.md for the two set-up commands.
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
SUDO := $(shell [ "$$(id -u)" -ne 0 ] && command -v sudo)

# Debian 12 packages needed to build and test.
DEPS := g++ cmake make pkg-config libcli11-dev libcpp-httplib-dev nlohmann-json3-dev \
        libtomlplusplus-dev doctest-dev libssl-dev openssl ca-certificates
# Needed by the OpenAI-SDK client test; checked by command, not by package, because a
# NodeSource nodejs package bundles npm (apt would otherwise try to add Debian's npm).
TOOL_DEPS := node:nodejs npm:npm
BENCH_DEPS := nginx-light wrk hyperfine

.PHONY: all deps bench-deps build test demo bench clean format

all: build

# apt-get only what is missing, so a machine that has everything makes no network call.
deps:
	@missing=$$(for p in $(DEPS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
	  | grep -q 'install ok installed' || echo $$p; done; \
	  for t in $(TOOL_DEPS); do command -v $${t%%:*} >/dev/null || echo $${t#*:}; done); \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	else echo "make deps: all packages present"; fi

bench-deps:
	@missing=$$(for p in $(BENCH_DEPS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
	  | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# The whole test suite: unit, loopback and end-to-end tests in one doctest binary.
test: deps
	$(MAKE) build
	$(BUILD)/understudy_tests

demo: deps
	$(MAKE) build
	$(BUILD)/understudy serve --demo

bench: deps bench-deps
	bench/run.sh

clean:
	rm -rf $(BUILD)

format:
	clang-format -i $$(git ls-files '*.h' '*.cc')
