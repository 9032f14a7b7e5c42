/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * What the end-to-end benchmarks share: starting processes and asking the bus.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GPid wb_bench_spawn(gchar **argv, gchar **envp, gint *out_stdout);
gboolean wb_bench_name_has_owner(GDBusConnection *bus, const gchar *name);

G_END_DECLS
