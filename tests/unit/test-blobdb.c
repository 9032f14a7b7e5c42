/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "wb-test-util.h"

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	return g_test_run();
}
