# Build of `behind`: the engine as a static library (src/*/ but cli/), the
# binary as a thin caller of it, and the unit tests. Plain Make with
# pkg-config: every dependency is a Debian package that ships a .pc file, so
# there is nothing for a configure step to discover.
#
#   make            build/behind
#   make check      unit + end-to-end tests (tests/run.sh)
#   make SAN=1 ...  the same under ASan/UBSan, in build-san/
#   make fuzz       libFuzzer harnesses (clang), in build-fuzz/

PKGS    := sqlite3 libutf8proc libarchive libxml-2.0 libmicrohttpd libcrypto yaml-0.1 jansson zlib
CC      ?= cc
CSTD    := -std=c11 -D_GNU_SOURCE
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wno-unused-parameter -Wno-missing-field-initializers -Wvla -Wformat=2
OPT     ?= -O2 -g
CFLAGS_PKG := $(shell pkg-config --cflags $(PKGS))
LIBS_PKG   := $(shell pkg-config --libs $(PKGS)) -lpthread -lm

ifeq ($(SAN),1)
  BUILD := build-san
  OPT   := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
  LDSAN := -fsanitize=address,undefined
else
  BUILD ?= build
endif

ALL_CFLAGS := $(CSTD) $(WARN) $(OPT) -Isrc $(CFLAGS_PKG) $(CFLAGS)
LIB_SRC  := $(filter-out src/cli/%,$(wildcard src/*/*.c))
CLI_SRC  := $(wildcard src/cli/*.c)
LIB_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:src/%.c=$(BUILD)/obj/%.o)
TEST_SRC := $(wildcard tests/unit/test_*.c)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
WEB_GEN  := $(wildcard src/serve/assets_gen.c)

.PHONY: all check test clean fuzz web
all: $(BUILD)/behind $(TEST_BIN)

$(BUILD)/libbehind.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/behind: $(CLI_OBJ) $(BUILD)/libbehind.a
	$(CC) $(LDSAN) -o $@ $(CLI_OBJ) $(BUILD)/libbehind.a $(LIBS_PKG)

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libbehind.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags cmocka) -MMD -MP -o $@ $< \
	  $(BUILD)/libbehind.a $(LIBS_PKG) $(shell pkg-config --libs cmocka) $(LDSAN)

# Under ASan/UBSan a test runs 2-4 times slower: its time limit is longer.
check test: all
	BUILD=$(BUILD) $(if $(filter 1,$(SAN)),TEST_TIMEOUT=$${TEST_TIMEOUT:-900}) tests/run.sh

# The explorer's front end (web/) bundled and embedded as the committed
# src/serve/assets_gen.c; only this target needs Node.js and npm.
web:
	cd web && npm ci --no-audit --no-fund && node build.mjs

# libFuzzer harnesses (fuzz/fuzz_*.c, see fuzz/README.md): the library built
# again by clang with coverage and ASan/UBSan in build-fuzz/, one binary per
# harness. fuzz/run.sh runs them for a bounded time.
FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=build-fuzz/%)
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined
fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang \
	  OPT="-O1 -g -fno-omit-frame-pointer $(FUZZ_SAN) -fsanitize=fuzzer-no-link -Wno-format-nonliteral" \
	  build-fuzz/libbehind.a
	$(MAKE) CC=clang FUZZ_SAN="$(FUZZ_SAN)" $(FUZZ_BIN)

# clang ignores GCC's per-function target pragmas: the kernels file (kernels
# only, each called after a CPU check) gets the instruction sets for all.
build-fuzz/obj/ingest/csv_simd_x86.o: ALL_CFLAGS += -Wno-unknown-pragmas -mavx2 -mavx512f \
  -mavx512bw -mbmi -mbmi2 -mpopcnt -mpclmul

build-fuzz/fuzz_%: fuzz/fuzz_%.c $(wildcard fuzz/*.h) build-fuzz/libbehind.a
	clang $(CSTD) $(WARN) -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN) -fsanitize=fuzzer \
	  -Isrc $(CFLAGS_PKG) -o $@ $< build-fuzz/libbehind.a $(LIBS_PKG)

clean:
	rm -rf build build-san build-fuzz

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_BIN:=.d)
