/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "wb-link.h"

typedef struct {
	gchar *transport;
	gchar *target;
	gboolean open;
	gboolean closed_emitted;
} WbLinkPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE(WbLink, wb_link, G_TYPE_OBJECT)

enum { PROP_0, PROP_TRANSPORT, PROP_TARGET, N_PROPS };
static GParamSpec *props[N_PROPS];

enum { SIGNAL_RECEIVED, SIGNAL_CLOSED, N_SIGNALS };
static guint signals[N_SIGNALS];

void
wb_link_open_async(WbLink *self, GCancellable *cancellable, GAsyncReadyCallback callback,
		   gpointer user_data)
{
	g_return_if_fail(WB_IS_LINK(self));
	WB_LINK_GET_CLASS(self)->open_async(self, cancellable, callback, user_data);
}

gboolean
wb_link_open_finish(WbLink *self, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail(WB_IS_LINK(self), FALSE);
	return WB_LINK_GET_CLASS(self)->open_finish(self, result, error);
}

/**
 * wb_link_send:
 * @self: the link
 * @bytes: Pebble Protocol stream bytes
 *
 * Queues @bytes; they go out in order. Bytes sent on a closed link are dropped.
 */
void
wb_link_send(WbLink *self, GBytes *bytes)
{
	WbLinkPrivate *priv = wb_link_get_instance_private(self);
	g_return_if_fail(WB_IS_LINK(self));
	if (!priv->open)
		return;
	WB_LINK_GET_CLASS(self)->send(self, bytes);
}

/**
 * wb_link_close:
 * @self: the link
 *
 * Takes the link down. #WbLink::closed is emitted (once) with no error.
 */
void
wb_link_close(WbLink *self)
{
	g_return_if_fail(WB_IS_LINK(self));
	WB_LINK_GET_CLASS(self)->close(self);
}

gboolean
wb_link_is_open(WbLink *self)
{
	WbLinkPrivate *priv = wb_link_get_instance_private(self);
	return priv->open;
}

const gchar *
wb_link_get_transport(WbLink *self)
{
	WbLinkPrivate *priv = wb_link_get_instance_private(self);
	return priv->transport;
}

const gchar *
wb_link_get_target(WbLink *self)
{
	WbLinkPrivate *priv = wb_link_get_instance_private(self);
	return priv->target;
}

void
wb_link_set_open(WbLink *self, gboolean open)
{
	WbLinkPrivate *priv = wb_link_get_instance_private(self);
	priv->open = open;
	if (open)
		priv->closed_emitted = FALSE;
}

void
wb_link_emit_received(WbLink *self, GBytes *bytes)
{
	g_signal_emit(self, signals[SIGNAL_RECEIVED], 0, bytes);
}

/**
 * wb_link_emit_closed:
 * @self: the link
 * @error: (nullable): why, or %NULL for a deliberate close
 *
 * For subclasses: marks the link down and emits #WbLink::closed, at most once per open.
 */
void
wb_link_emit_closed(WbLink *self, const GError *error)
{
	WbLinkPrivate *priv = wb_link_get_instance_private(self);
	priv->open = FALSE;
	if (priv->closed_emitted)
		return;
	priv->closed_emitted = TRUE;
	g_signal_emit(self, signals[SIGNAL_CLOSED], 0, error);
}

static void
wb_link_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	WbLinkPrivate *priv = wb_link_get_instance_private(WB_LINK(object));
	switch (prop_id) {
	case PROP_TRANSPORT:
		g_value_set_string(value, priv->transport);
		break;
	case PROP_TARGET:
		g_value_set_string(value, priv->target);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
	}
}

static void
wb_link_set_property(GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
	WbLinkPrivate *priv = wb_link_get_instance_private(WB_LINK(object));
	switch (prop_id) {
	case PROP_TRANSPORT:
		priv->transport = g_value_dup_string(value);
		break;
	case PROP_TARGET:
		priv->target = g_value_dup_string(value);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
	}
}

static void
wb_link_finalize(GObject *object)
{
	WbLinkPrivate *priv = wb_link_get_instance_private(WB_LINK(object));
	g_free(priv->transport);
	g_free(priv->target);
	G_OBJECT_CLASS(wb_link_parent_class)->finalize(object);
}

static void
wb_link_class_init(WbLinkClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->get_property = wb_link_get_property;
	object_class->set_property = wb_link_set_property;
	object_class->finalize = wb_link_finalize;

	props[PROP_TRANSPORT] = g_param_spec_string("transport", NULL, NULL, NULL,
						    G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
							    G_PARAM_STATIC_STRINGS);
	props[PROP_TARGET] = g_param_spec_string("target", NULL, NULL, NULL,
						 G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
							 G_PARAM_STATIC_STRINGS);
	g_object_class_install_properties(object_class, N_PROPS, props);

	/**
	 * WbLink::received:
	 * @bytes: Pebble Protocol stream bytes from the watch, any chunking
	 */
	signals[SIGNAL_RECEIVED] =
		g_signal_new("received", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
			     NULL, G_TYPE_NONE, 1, G_TYPE_BYTES);
	/**
	 * WbLink::closed:
	 * @error: (nullable): why the link went down, %NULL when closed on purpose
	 */
	signals[SIGNAL_CLOSED] = g_signal_new("closed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
					      0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
wb_link_init(WbLink *self)
{
}
