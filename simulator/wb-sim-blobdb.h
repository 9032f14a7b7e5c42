/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "wb-blobdb.h"
#include "wb-uuid.h"

G_BEGIN_DECLS

/* Number of database ids (§3.2: 0x00 Test … 0x0C Settings). */
#define WB_SIM_BLOBDB_N_DATABASES (WB_BLOBDB_DATABASE_SETTINGS + 1)

/**
 * WbSimBlobdbRecord:
 * @key: what the record is found by: the BlobDB key, but the item id for notifications
 *   (FW notif_db stores by the id inside the value, §3.5)
 * @wire_key: the key the phone sent
 * @value: the value as stored (a notification's status byte may have been updated since)
 * @timestamp: Settings records inserted with InsertWithTimestamp: their timestamp; else 0
 * @install_id: Apps records: the install id the watch assigned (FW app_db), used by AppFetch
 *
 * One stored record.
 */
typedef struct {
	GBytes *key;
	GBytes *wire_key;
	GBytes *value;
	guint32 timestamp;
	gint32 install_id;
} WbSimBlobdbRecord;

/**
 * WbSimBlobdbEffect:
 * @WB_SIM_BLOBDB_EFFECT_NONE: nothing changed (an error status)
 * @WB_SIM_BLOBDB_EFFECT_STORED: a new record was stored
 * @WB_SIM_BLOBDB_EFFECT_REPLACED: an existing record was replaced
 * @WB_SIM_BLOBDB_EFFECT_STATUS_UPDATED: a known notification was re-inserted: only its status
 *   byte was taken (FW notif_db)
 * @WB_SIM_BLOBDB_EFFECT_NOT_STORED: a new notification with status bits set: accepted but not
 *   stored (FW notif_db)
 * @WB_SIM_BLOBDB_EFFECT_DELETED: a record was deleted (or a notification delete succeeded)
 * @WB_SIM_BLOBDB_EFFECT_CLEARED: a database was cleared
 * @WB_SIM_BLOBDB_EFFECT_CORRUPT: a notification with layout >= 10 was accepted; the watch
 *   wiped its notification storage and must fault and reboot (pebbleos-rendering.md §2)
 *
 * What a command did to the databases.
 */
typedef enum {
	WB_SIM_BLOBDB_EFFECT_NONE,
	WB_SIM_BLOBDB_EFFECT_STORED,
	WB_SIM_BLOBDB_EFFECT_REPLACED,
	WB_SIM_BLOBDB_EFFECT_STATUS_UPDATED,
	WB_SIM_BLOBDB_EFFECT_NOT_STORED,
	WB_SIM_BLOBDB_EFFECT_DELETED,
	WB_SIM_BLOBDB_EFFECT_CLEARED,
	WB_SIM_BLOBDB_EFFECT_CORRUPT,
} WbSimBlobdbEffect;

/**
 * WbSimBlobdbResult:
 * @token: the token to answer with (0 if the command was too short to carry one)
 * @status: the status to answer with
 * @command: the command byte (0 if none)
 * @database: the database byte (0 if none)
 * @effect: what changed
 * @summary: (nullable): a line for people: what the command carried or why it failed
 *
 * The outcome of one BlobDB command.
 */
typedef struct {
	guint16 token;
	WbBlobdbStatus status;
	guint8 command;
	guint8 database;
	WbSimBlobdbEffect effect;
	gchar *summary;
} WbSimBlobdbResult;

void wb_sim_blobdb_result_clear(WbSimBlobdbResult *result);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(WbSimBlobdbResult, wb_sim_blobdb_result_clear)

typedef struct _WbSimBlobdb WbSimBlobdb;

WbSimBlobdb *wb_sim_blobdb_new(void);
void wb_sim_blobdb_free(WbSimBlobdb *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(WbSimBlobdb, wb_sim_blobdb_free)

void wb_sim_blobdb_handle(WbSimBlobdb *self, const guint8 *payload, gsize len,
			  WbSimBlobdbResult *out_result);
void wb_sim_blobdb_reset(WbSimBlobdb *self);
guint wb_sim_blobdb_count(const WbSimBlobdb *self, guint database);
const WbSimBlobdbRecord *wb_sim_blobdb_find_item(const WbSimBlobdb *self, const WbUuid *id,
						 guint *out_database);
const WbSimBlobdbRecord *wb_sim_blobdb_lookup(const WbSimBlobdb *self, guint database,
					      const guint8 *key, gsize key_len);
gboolean wb_sim_blobdb_set_item_status(WbSimBlobdb *self, const WbUuid *id, guint8 set_bits);
gboolean wb_sim_blobdb_parse_database(const gchar *name, guint *out_database);
void wb_sim_blobdb_add_json(const WbSimBlobdb *self, JsonBuilder *builder, gint database);

G_END_DECLS
