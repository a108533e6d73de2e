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
