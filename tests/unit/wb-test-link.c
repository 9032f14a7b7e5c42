/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "wb-buf.h"
#include "wb-test-link.h"

G_DEFINE_FINAL_TYPE(TestLink, test_link, WB_TYPE_LINK)

const gchar *const wb_test_watch_version_frame =
	"009b 0010"
	"015a0b1c2d76342e342e32000000000000000000000000000000000000000000"
	"00000000006131623263336400000e015900000076342e302d70726600000000"
	"00000000000000000000000000000000000000003031323361626300010e0100"
	"00004273696c6b0000000000513430323434354530304142efcdab8967451122"
	"334455667788656e5f5553000001af290000000000000000010055";

static void
test_link_open_async(WbLink *link, GCancellable *c, GAsyncReadyCallback cb, gpointer data)
{
	g_autoptr(GTask) task = g_task_new(link, c, cb, data);
	wb_link_set_open(link, TRUE);
	g_task_return_boolean(task, TRUE);
}

static gboolean
test_link_open_finish(WbLink *link, GAsyncResult *res, GError **error)
{
	return g_task_propagate_boolean(G_TASK(res), error);
}

static void
test_link_send(WbLink *link, GBytes *bytes)
{
	wb_put_bytes(TEST_LINK(link)->sent, g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes));
}

static void
test_link_close(WbLink *link)
{
	wb_link_emit_closed(link, NULL);
}

static void
test_link_finalize(GObject *o)
{
	g_byte_array_unref(TEST_LINK(o)->sent);
	G_OBJECT_CLASS(test_link_parent_class)->finalize(o);
}

static void
test_link_class_init(TestLinkClass *k)
{
	G_OBJECT_CLASS(k)->finalize = test_link_finalize;
	WB_LINK_CLASS(k)->open_async = test_link_open_async;
	WB_LINK_CLASS(k)->open_finish = test_link_open_finish;
	WB_LINK_CLASS(k)->send = test_link_send;
	WB_LINK_CLASS(k)->close = test_link_close;
}

static void
test_link_init(TestLink *self)
{
	self->sent = g_byte_array_new();
	wb_link_set_open(WB_LINK(self), TRUE);
}

/**
 * test_link_new:
 *
 * Returns: (transfer full): an open in-memory link
 */
TestLink *
test_link_new(void)
{
	return g_object_new(TEST_TYPE_LINK, "transport", "test", "target", "mem", NULL);
}
