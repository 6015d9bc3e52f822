# Jumpgate — the two commands are `make run` and `make test`.
#
#   make run     install missing Debian packages, build, open Jumpgate on the demo lab
#   make test    build and run every test suite (and the sanitizer build with CI=true)
#   make asan    run the test suites in an AddressSanitizer + UBSan build
#   make fuzz    build the libFuzzer targets (clang) and run each for FUZZ_SECONDS
#   make bench   run the benchmarks under tests/bench/
#   make clean   remove the build directories and the demo lab

BUILD      ?= _build
ASAN_BUILD ?= _build-asan
FUZZ_BUILD ?= _build-fuzz
LAB        ?= $(CURDIR)/.lab
FUZZ_SECONDS ?= 600

DEB_PACKAGES = \
	meson ninja-build pkg-config gcc python3 \
	libglib2.0-dev libglib2.0-dev-bin libgtk-4-dev libadwaita-1-dev libvte-2.91-gtk4-dev \
	libssh-dev libsecret-1-dev libjson-glib-dev \
	openssh-server openssh-client iproute2 procps shellcheck debootstrap \
	xvfb xauth dbus dbus-x11 gnome-keyring libxtst-dev \
	gettext desktop-file-utils appstream
FUZZ_PACKAGES = clang libclang-rt-14-dev

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
XVFB := xvfb-run -a -s "-screen 0 1280x800x24"

.PHONY: all deps build run test asan fuzz bench clean

all: build

# Installs only what is missing; apt-get update runs once, and only then.
deps:
	@missing=$$(for p in $(DEB_PACKAGES) $(EXTRA_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing:" $$missing; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi

$(BUILD)/build.ninja:
	meson setup $(BUILD) --werror

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

run: build
	@tests/run-demo $(BUILD) $(LAB)

# Runs every suite; with CI=true the sanitizer build too. Always ends with the
# count of both, and fails when anything failed.
test: build
	@status=0; \
	$(XVFB) meson test -C $(BUILD) --print-errorlogs --num-processes 2 $(TEST_ARGS) || status=1; \
	if [ "$(CI)" = true ]; then $(MAKE) --no-print-directory asan || status=1; fi; \
	tests/count-results $(BUILD) $(if $(filter true,$(CI)),$(ASAN_BUILD)) || status=1; \
	exit $$status

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) --werror -Db_sanitize=address,undefined -Db_lundef=false \
	  -Dbuildtype=debug

asan: deps $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/gui/lsan.supp:print_suppressions=0 GDK_DEBUG=gl-disable \
	  $(XVFB) meson test -C $(ASAN_BUILD) --print-errorlogs --num-processes 2 --timeout-multiplier 3 \
	  $(TEST_ARGS)

$(FUZZ_BUILD)/build.ninja:
	CC=clang meson setup $(FUZZ_BUILD) -Dfuzzing=true -Db_lundef=false -Dbuildtype=debugoptimized

fuzz:
	@$(MAKE) --no-print-directory deps EXTRA_PACKAGES="$(FUZZ_PACKAGES)"
	@$(MAKE) --no-print-directory $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD)
	tests/fuzz/run-fuzzers $(FUZZ_BUILD) $(FUZZ_SECONDS)

bench: build
	@for b in tests/bench/bench-*.sh; do echo "== $$b"; $$b $(BUILD) || exit 1; done

clean:
	-@[ -d $(LAB) ] && tests/lab/jg-lab stop $(LAB)/lab 2>/dev/null; true
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(LAB)
