# SPDX-License-Identifier: GPL-2.0
# Common settings for kradar's host-side C (C11). Included by every
# sub-directory Makefile that builds host tools:
#   TOP    repository root          BUILD  output dir (binaries)
#   SAN=1  build with AddressSanitizer + UndefinedBehaviorSanitizer
TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
BUILD ?= $(TOP)/build
CC ?= cc
CFLAGS ?= -O2 -g
KRADAR_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wformat=2 \
	-Wno-unused-parameter -I$(TOP)/include -I$(TOP)/host/lib
ifeq ($(SAN),1)
KRADAR_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif
ALL_CFLAGS = $(KRADAR_CFLAGS) $(CFLAGS)

# libkradar (host/lib/): built first by the top-level Makefile, linked by
# every tool and test after its own objects.
KRADAR_LIB := $(BUILD)/obj/lib/libkradar.a

# The parsers of outside input and the run model, each compiled once by
# its own directory into a library that every user links (the top-level
# Makefile builds them before their users; a user's own Makefile asks for
# them too):
#   KRADAR_DECODE_LIB  stream decoder and panic dump lines (host/collect)
#   KRADAR_SERIAL_LIB  kernel console log parser (host/console, PCRE2)
#   KRADAR_RUNDIR_LIB  run directory reader: schema, events.jsonl, line
#                      files, marks (host/rundir, jansson)
#   KRADAR_RUN_LIB     the run model: loading, analysis, syzbot
#                      comparison, symbols (host/run, jansson, libelf;
#                      over the two above)
#   KRADAR_LORE_LIB    mbox reader and text helpers (tools/lore, GMime)
KRADAR_DECODE_LIB := $(BUILD)/obj/collect/libkradar_decode.a
KRADAR_SERIAL_LIB := $(BUILD)/obj/console/libkradar_serial.a
KRADAR_RUNDIR_LIB := $(BUILD)/obj/rundir/libkradar_rundir.a
KRADAR_RUN_LIB := $(BUILD)/obj/run/libkradar_run.a
KRADAR_LORE_LIB := $(BUILD)/obj/lore/libkradar_lore.a
