/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Replay driver for builds without libFuzzer: runs a fuzz target over every file of the
 * corpus directories given as arguments, and over every prefix of each, so that truncation
 * paths are exercised on every build (and under ASan/UBSan in CI).
 */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
main(int argc, char **argv)
{
	guint files = 0;

	for (int i = 1; i < argc; i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(GDir) dir = g_dir_open(argv[i], 0, &error);
		const gchar *name;

		if (dir == NULL) {
			fprintf(stderr, "%s\n", error->message);
			return 1;
		}
		while ((name = g_dir_read_name(dir)) != NULL) {
			g_autofree gchar *path = g_build_filename(argv[i], name, NULL);
			g_autofree gchar *buf = NULL;
			gsize len = 0;

			if (!g_file_get_contents(path, &buf, &len, &error)) {
				fprintf(stderr, "%s\n", error->message);
				return 1;
			}
			for (gsize n = 0; n <= len && n <= 4096; n++) {
				/* a private copy per run, so ASan sees reads past each prefix */
				g_autofree guint8 *copy = g_memdup2(buf, n);
				LLVMFuzzerTestOneInput(copy, n);
			}
			LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
			files++;
		}
	}
	if (files == 0) {
		fprintf(stderr, "no corpus files found\n");
		return 1;
	}
	printf("replayed %u corpus files and their prefixes\n", files);
	return 0;
}
