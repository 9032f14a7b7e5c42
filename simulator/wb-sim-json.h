/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "wb-timeline.h"

G_BEGIN_DECLS

gchar *wb_sim_hex(const guint8 *data, gsize len);
GByteArray *wb_sim_hex_parse(const gchar *hex, GError **error);

const gchar *wb_sim_attribute_name(guint8 id);
const gchar *wb_sim_action_type_name(guint type);
const gchar *wb_sim_item_type_name(guint type);

void wb_sim_json_add_attributes(JsonBuilder *builder, const GPtrArray *attributes);
void wb_sim_json_add_action(JsonBuilder *builder, const WbTimelineAction *action);
void wb_sim_json_add_timeline_item(JsonBuilder *builder, const WbTimelineItem *item);
void wb_sim_json_add_uuid(JsonBuilder *builder, const gchar *member, const WbUuid *uuid);

gchar *wb_sim_json_to_line(JsonBuilder *builder);

G_END_DECLS
