/* wearctl: the command-line client of wearbridged. See wearctl(1).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "wb-ctl.h"

#include <locale.h>

int
main(int argc, char **argv)
{
	/* dates and the user's language for g_date_time_format() */
	setlocale(LC_ALL, "");
	g_set_prgname("wearctl");
	/* stdout is for output (JSON for scripts): GLib's own info/debug lines go to stderr */
	g_log_writer_default_set_use_stderr(TRUE);
	return (int)wb_ctl_run(argc, argv, NULL, NULL);
}
