# Thin wrapper around CMake. See README.md for the two set-up commands.
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
SUDO := $(shell [ "$$(id -u)" -ne 0 ] && command -v sudo)

# Debian 12 packages, in three sets. Build: what compiling needs (and all `make demo` installs).
BUILD_DEPS := g++ cmake make pkg-config libcli11-dev libcpp-httplib-dev nlohmann-json3-dev \
        libtomlplusplus-dev doctest-dev libssl-dev openssl ca-certificates
# Test tools beyond the build: the OpenAI-SDK client test needs node and npm. Checked by
# command, not by package, because a NodeSource nodejs package bundles npm (apt would
# otherwise try to add Debian's npm). Format: command:package.
TOOL_DEPS := node:nodejs npm:npm
# The benchmark and its smoke run (part of `make test`): nginx, the load generator, hyperfine.
BENCH_DEPS := nginx-light wrk hyperfine curl procps

.PHONY: all deps build-deps test-deps bench-deps build test demo bench bench-smoke clean format

all: build

# apt-get only what is missing, so a machine that has everything makes no network call.
# $(call install_missing,packages,command:package pairs)
define install_missing
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
	  | grep -q 'install ok installed' || echo $$p; done; \
	  for t in $(2); do command -v $${t%%:*} >/dev/null || echo $${t#*:}; done); \
	if [ -n "$$missing" ]; then \
	  echo "make: installing:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	else echo "make: $(3) present"; fi
endef

build-deps:
	$(call install_missing,$(BUILD_DEPS),,build dependencies)

bench-deps: build-deps
	$(call install_missing,$(BENCH_DEPS),,benchmark tools)

test-deps: build-deps bench-deps
	$(call install_missing,,$(TOOL_DEPS),test tools)

# Everything: kept for scripts that ran `make deps` before the split.
deps: test-deps

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# The whole test suite: unit, loopback and end-to-end tests in one doctest binary, then the
# benchmark's smoke run (every component starts and answers; timings are never judged).
test: test-deps
	$(MAKE) build
	$(BUILD)/understudy_tests
	BUILD=$(BUILD) bench/run.sh --smoke

demo: build-deps
	$(MAKE) build
	$(BUILD)/understudy serve --demo

# The benchmark against nginx: builds Release into build-bench, writes bench/results/latest.md.
bench: bench-deps
	bench/run.sh

bench-smoke: bench-deps
	$(MAKE) build
	BUILD=$(BUILD) bench/run.sh --smoke

clean:
	rm -rf $(BUILD)

format:
	clang-format -i $$(git ls-files '*.h' '*.cc')
