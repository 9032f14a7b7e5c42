/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * An in-memory WbLink for tests: it records what is sent; a test injects what is received
 * with wb_link_emit_received().
 */
#pragma once

#include "wb-link.h"

G_BEGIN_DECLS

#define TEST_TYPE_LINK (test_link_get_type())
G_DECLARE_FINAL_TYPE(TestLink, test_link, TEST, LINK, WbLink)

struct _TestLink {
	WbLink parent_instance;
	GByteArray *sent; /* every byte sent, in order */
};

TestLink *test_link_new(void);

/* A whole WatchVersion answer frame (hex): a Pebble 2 on v4.4.2, serial Q402445E00AB; the
 * payload is the golden vector of test-system.c. */
extern const gchar *const wb_test_watch_version_frame;

G_END_DECLS
