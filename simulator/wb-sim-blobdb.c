/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The simulated watch's BlobDB (reference §3): one list of records per database, with the
 * answers the firmware gives. What each database checks follows the firmware sources
 * (FW/CFW `blob_db/endpoint.c`, `api.c`, `notif_db.c`, `timeline_item_storage.c`, `app_db.c`)
 * and what the emulator showed (pebbleos-rendering.md §2, §6).
 */

#include "wb-sim-blobdb.h"

#include <string.h>

#include "wb-apps.h"
#include "wb-sim-json.h"
#include "wb-timeline.h"

struct _WbSimBlobdb {
	GPtrArray *records[WB_SIM_BLOBDB_N_DATABASES]; /* of WbSimBlobdbRecord, in insert order */
	gint32 next_install_id;
};

/* §3.5: the status byte of the 46-byte item header, and the layout byte */
#define ITEM_STATUS_OFFSET 40
#define ITEM_LAYOUT_OFFSET 41

static void
record_free(WbSimBlobdbRecord *record)
{
	g_clear_pointer(&record->key, g_bytes_unref);
	g_clear_pointer(&record->wire_key, g_bytes_unref);
	g_clear_pointer(&record->value, g_bytes_unref);
	g_free(record);
}

/**
 * wb_sim_blobdb_result_clear:
 * @result: a result
 *
 * Frees the summary and zeroes @result.
 */
void
wb_sim_blobdb_result_clear(WbSimBlobdbResult *result)
{
	g_free(result->summary);
	memset(result, 0, sizeof(*result));
}

/**
 * wb_sim_blobdb_new:
 *
 * Returns: (transfer full): empty databases
 */
WbSimBlobdb *
wb_sim_blobdb_new(void)
{
	WbSimBlobdb *self = g_new0(WbSimBlobdb, 1);

	for (guint i = 0; i < WB_SIM_BLOBDB_N_DATABASES; i++)
		self->records[i] = g_ptr_array_new_with_free_func((GDestroyNotify)record_free);
	self->next_install_id = 1;
	return self;
}

void
wb_sim_blobdb_free(WbSimBlobdb *self)
{
	if (self == NULL)
		return;
	for (guint i = 0; i < WB_SIM_BLOBDB_N_DATABASES; i++)
		g_ptr_array_unref(self->records[i]);
	g_free(self);
}

/**
 * wb_sim_blobdb_reset:
 * @self: the databases
 *
 * Empties every database, as a factory reset does.
 */
void
wb_sim_blobdb_reset(WbSimBlobdb *self)
{
	for (guint i = 0; i < WB_SIM_BLOBDB_N_DATABASES; i++)
		g_ptr_array_set_size(self->records[i], 0);
}

/**
 * wb_sim_blobdb_count:
 * @self: the databases
 * @database: a database id
 *
 * Returns: the number of records in @database (0 for an unknown id)
 */
guint
wb_sim_blobdb_count(const WbSimBlobdb *self, guint database)
{
	if (database >= WB_SIM_BLOBDB_N_DATABASES)
		return 0;
	return self->records[database]->len;
}

static gint
find_index(const WbSimBlobdb *self, guint database, const guint8 *key, gsize key_len)
{
	GPtrArray *records = self->records[database];

	for (guint i = 0; i < records->len; i++) {
		const WbSimBlobdbRecord *record = g_ptr_array_index(records, i);
		gsize len;
		const guint8 *data = g_bytes_get_data(record->key, &len);

		if (len == key_len && memcmp(data, key, len) == 0)
			return (gint)i;
	}
	return -1;
}

/**
 * wb_sim_blobdb_lookup:
 * @self: the databases
 * @database: a database id
 * @key: (array length=key_len): the key (the item id for notifications)
 * @key_len: its length
 *
 * Returns: (transfer none) (nullable): the record
 */
const WbSimBlobdbRecord *
wb_sim_blobdb_lookup(const WbSimBlobdb *self, guint database, const guint8 *key, gsize key_len)
{
	gint i;

	if (database >= WB_SIM_BLOBDB_N_DATABASES)
		return NULL;
	i = find_index(self, database, key, key_len);
	return i < 0 ? NULL : g_ptr_array_index(self->records[database], i);
}

static const guint timeline_databases[] = {
	WB_BLOBDB_DATABASE_NOTIFICATIONS,
	WB_BLOBDB_DATABASE_PINS,
	WB_BLOBDB_DATABASE_REMINDERS,
};

/**
 * wb_sim_blobdb_find_item:
 * @self: the databases
 * @id: a timeline item id
 * @out_database: (out) (optional): where it was found
 *
 * Looks in Notifications, then Pins, then Reminders.
 *
 * Returns: (transfer none) (nullable): the record
 */
const WbSimBlobdbRecord *
wb_sim_blobdb_find_item(const WbSimBlobdb *self, const WbUuid *id, guint *out_database)
{
	for (guint i = 0; i < G_N_ELEMENTS(timeline_databases); i++) {
		const WbSimBlobdbRecord *record =
			wb_sim_blobdb_lookup(self, timeline_databases[i], id->b, sizeof(id->b));
		if (record != NULL) {
			if (out_database != NULL)
				*out_database = timeline_databases[i];
			return record;
		}
	}
	return NULL;
}

static void
record_set_status(WbSimBlobdbRecord *record, guint8 status)
{
	gsize len;
	const guint8 *data = g_bytes_get_data(record->value, &len);
	guint8 *copy;

	if (len <= ITEM_STATUS_OFFSET)
		return;
	copy = g_memdup2(data, len);
	copy[ITEM_STATUS_OFFSET] = status;
	g_bytes_unref(record->value);
	record->value = g_bytes_new_take(copy, len);
}

/**
 * wb_sim_blobdb_set_item_status:
 * @self: the databases
 * @id: a timeline item id
 * @set_bits: `WB_TIMELINE_STATUS_*` bits to set
 *
 * Marks an item as the watch does when the user acts on it.
 *
 * Returns: %TRUE if the item exists
 */
gboolean
wb_sim_blobdb_set_item_status(WbSimBlobdb *self, const WbUuid *id, guint8 set_bits)
{
	WbSimBlobdbRecord *record = (WbSimBlobdbRecord *)wb_sim_blobdb_find_item(self, id, NULL);
	const guint8 *data;
	gsize len;

	if (record == NULL)
		return FALSE;
	data = g_bytes_get_data(record->value, &len);
	if (len > ITEM_STATUS_OFFSET)
		record_set_status(record, data[ITEM_STATUS_OFFSET] | set_bits);
	return TRUE;
}

static gboolean
database_is_uuid_keyed(guint database)
{
	switch ((WbBlobdbDatabase)database) {
	case WB_BLOBDB_DATABASE_PINS:
	case WB_BLOBDB_DATABASE_APPS:
	case WB_BLOBDB_DATABASE_REMINDERS:
	case WB_BLOBDB_DATABASE_NOTIFICATIONS:
	case WB_BLOBDB_DATABASE_WEATHER:
	case WB_BLOBDB_DATABASE_CONTACTS:
	case WB_BLOBDB_DATABASE_APP_GLANCES:
		return TRUE;
	case WB_BLOBDB_DATABASE_TEST:
	case WB_BLOBDB_DATABASE_IOS_NOTIF_PREFS:
	case WB_BLOBDB_DATABASE_PREFS:
	case WB_BLOBDB_DATABASE_WATCH_APP_PREFS:
	case WB_BLOBDB_DATABASE_HEALTH:
	case WB_BLOBDB_DATABASE_SETTINGS:
		return FALSE;
	}
	return FALSE;
}

static gboolean
database_is_timeline(guint database)
{
	return database == WB_BLOBDB_DATABASE_NOTIFICATIONS ||
	       database == WB_BLOBDB_DATABASE_PINS || database == WB_BLOBDB_DATABASE_REMINDERS;
}

/* A key as people read it: a UUID, printable ASCII, or hex */
static gchar *
key_to_string(guint database, GBytes *key)
{
	gsize len;
	const guint8 *data = g_bytes_get_data(key, &len);
	gboolean printable = len > 0;

	if (len == sizeof(WbUuid) && database_is_uuid_keyed(database)) {
		WbUuid uuid;
		memcpy(uuid.b, data, sizeof(uuid.b));
		return wb_uuid_to_string(&uuid);
	}
	for (gsize i = 0; i < len; i++) {
		if (data[i] < 0x20 || data[i] > 0x7e)
			printable = FALSE;
	}
	if (printable)
		return g_strndup((const gchar *)data, len);
	return wb_sim_hex(data, len);
}

static WbSimBlobdbRecord *
record_new(GBytes *key, GBytes *wire_key, GBytes *value)
{
	WbSimBlobdbRecord *record = g_new0(WbSimBlobdbRecord, 1);

	record->key = g_bytes_ref(key);
	record->wire_key = g_bytes_ref(wire_key);
	record->value = g_bytes_ref(value);
	return record;
}

/* Adds or replaces the record under @key */
static WbSimBlobdbEffect
store(WbSimBlobdb *self, guint database, GBytes *key, GBytes *wire_key, GBytes *value,
      guint32 timestamp)
{
	gsize key_len;
	const guint8 *key_data = g_bytes_get_data(key, &key_len);
	gint i = find_index(self, database, key_data, key_len);
	WbSimBlobdbRecord *record = record_new(key, wire_key, value);

	record->timestamp = timestamp;
	if (i >= 0) {
		WbSimBlobdbRecord *old = g_ptr_array_index(self->records[database], i);
		record->install_id = old->install_id;
		record_free(old);
		self->records[database]->pdata[i] = record;
		return WB_SIM_BLOBDB_EFFECT_REPLACED;
	}
	if (database == WB_BLOBDB_DATABASE_APPS)
		record->install_id = self->next_install_id++;
	g_ptr_array_add(self->records[database], record);
	return WB_SIM_BLOBDB_EFFECT_STORED;
}

/* "'Title'" or "'Subtitle'" or "(no title)", for the printed log */
static gchar *
item_summary(const WbTimelineItem *item)
{
	static const guint8 ids[] = {WB_TIMELINE_ATTR_TITLE, WB_TIMELINE_ATTR_SUBTITLE,
				     WB_TIMELINE_ATTR_BODY, WB_TIMELINE_ATTR_APP_NAME};

	for (guint i = 0; i < G_N_ELEMENTS(ids); i++) {
		const WbTimelineAttribute *attr = wb_timeline_item_find_attribute(item, ids[i]);
		if (attr != NULL) {
			g_autofree gchar *s = wb_timeline_attribute_dup_string(attr);
			gsize cut = wb_utf8_truncate_len(s, 60);
			return g_strdup_printf("'%.*s%s'", (int)cut, s, s[cut] != '\0' ? "…" : "");
		}
	}
	return g_strdup("(no text)");
}

/* FW notif_db_insert: key 16 bytes, value at least the header, the item must deserialize;
 * a known id only takes the new status byte; a new one is stored only with status 0. */
static void
insert_notification(WbSimBlobdb *self, GBytes *key, GBytes *value, WbSimBlobdbResult *result)
{
	gsize len;
	const guint8 *data = g_bytes_get_data(value, &len);
	g_autofree guint8 *copy = NULL;
	g_auto(WbTimelineItem) item = {0};
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) id_key = NULL;
	g_autofree gchar *what = NULL;
	const WbSimBlobdbRecord *existing;

	if (g_bytes_get_size(key) != sizeof(WbUuid) || len < WB_TIMELINE_ITEM_HEADER_LEN) {
		result->status = WB_BLOBDB_STATUS_INVALID_DATA;
		result->summary = g_strdup_printf(
			"notification: key of %" G_GSIZE_FORMAT " bytes (must be 16) or value of "
			"%" G_GSIZE_FORMAT " bytes (must be at least %d)",
			g_bytes_get_size(key), len, WB_TIMELINE_ITEM_HEADER_LEN);
		return;
	}
	/* The firmware deserializes any layout byte; our decoder refuses >= 10, so check the rest
	 * of the item with the layout byte cleared and judge the layout separately. */
	copy = g_memdup2(data, len);
	copy[ITEM_LAYOUT_OFFSET] = 0;
	if (!wb_timeline_item_decode(copy, len, &item, &error)) {
		/* FW: a failed timeline_item_deserialize_item() is E_INTERNAL → GeneralFailure */
		result->status = WB_BLOBDB_STATUS_GENERAL_FAILURE;
		result->summary = g_strdup_printf("notification: %s", error->message);
		return;
	}
	what = item_summary(&item);
	result->status = WB_BLOBDB_STATUS_SUCCESS;
	if (data[ITEM_LAYOUT_OFFSET] >= WB_TIMELINE_LAYOUT_COUNT) {
		/* pebbleos-rendering.md §2: accepted, then "Notification storage corrupt.
		 * Resetting..." wipes every notification and the watch faults */
		g_ptr_array_set_size(self->records[WB_BLOBDB_DATABASE_NOTIFICATIONS], 0);
		result->effect = WB_SIM_BLOBDB_EFFECT_CORRUPT;
		result->summary = g_strdup_printf(
			"notification %s with layout 0x%02x: storage corrupt, all notifications "
			"wiped, the watch will crash",
			what, data[ITEM_LAYOUT_OFFSET]);
		return;
	}
	existing = wb_sim_blobdb_lookup(self, WB_BLOBDB_DATABASE_NOTIFICATIONS, item.id.b,
					sizeof(item.id.b));
	if (existing != NULL) {
		record_set_status((WbSimBlobdbRecord *)existing, data[ITEM_STATUS_OFFSET]);
		result->effect = WB_SIM_BLOBDB_EFFECT_STATUS_UPDATED;
		result->summary = g_strdup_printf("notification %s: known id, status set to 0x%02x",
						  what, data[ITEM_STATUS_OFFSET]);
		return;
	}
	if (data[ITEM_STATUS_OFFSET] != 0) {
		result->effect = WB_SIM_BLOBDB_EFFECT_NOT_STORED;
		result->summary =
			g_strdup_printf("notification %s: new id with status 0x%02x, not stored",
					what, data[ITEM_STATUS_OFFSET]);
		return;
	}
	id_key = g_bytes_new(item.id.b, sizeof(item.id.b));
	result->effect = store(self, WB_BLOBDB_DATABASE_NOTIFICATIONS, id_key, key, value, 0);
	result->summary = g_strdup_printf("notification %s", what);
}

/* FW timeline_item_storage_insert: key 16 bytes, value at least the header, and the layout's
 * required attributes (Generic, Calendar, Reminder and Notification need a Title, §3.5) */
static void
insert_timeline(WbSimBlobdb *self, guint database, GBytes *key, GBytes *value,
		WbSimBlobdbResult *result)
{
	gsize len;
	const guint8 *data = g_bytes_get_data(value, &len);
	g_auto(WbTimelineItem) item = {0};
	g_autoptr(GError) error = NULL;
	g_autofree gchar *what = NULL;
	const gchar *dbname = wb_blobdb_database_to_string((WbBlobdbDatabase)database);

	result->status = WB_BLOBDB_STATUS_INVALID_DATA;
	if (g_bytes_get_size(key) != sizeof(WbUuid) || len < WB_TIMELINE_ITEM_HEADER_LEN) {
		result->summary = g_strdup_printf("%s: key must be 16 bytes, value at least %d",
						  dbname, WB_TIMELINE_ITEM_HEADER_LEN);
		return;
	}
	if (!wb_timeline_item_decode(data, len, &item, &error)) {
		result->summary = g_strdup_printf("%s: %s", dbname, error->message);
		return;
	}
	what = item_summary(&item);
	switch (item.layout) {
	case WB_TIMELINE_LAYOUT_GENERIC:
	case WB_TIMELINE_LAYOUT_CALENDAR:
	case WB_TIMELINE_LAYOUT_REMINDER:
	case WB_TIMELINE_LAYOUT_NOTIFICATION:
		if (wb_timeline_item_find_attribute(&item, WB_TIMELINE_ATTR_TITLE) == NULL) {
			result->summary = g_strdup_printf("%s %s: layout %u needs a title", dbname,
							  what, item.layout);
			return;
		}
		break;
	case WB_TIMELINE_LAYOUT_UNKNOWN:
	case WB_TIMELINE_LAYOUT_COMM_NOTIFICATION:
	case WB_TIMELINE_LAYOUT_WEATHER:
	case WB_TIMELINE_LAYOUT_SPORTS:
	case WB_TIMELINE_LAYOUT_ALARM:
	case WB_TIMELINE_LAYOUT_HEALTH:
		break;
	}
	result->status = WB_BLOBDB_STATUS_SUCCESS;
	result->effect = store(self, database, key, key, value, 0);
	result->summary = g_strdup_printf("%s %s", dbname, what);
}

/* FW app_db_insert: key 16 bytes, value exactly one AppDBEntry */
static void
insert_app(WbSimBlobdb *self, GBytes *key, GBytes *value, WbSimBlobdbResult *result)
{
	gsize len;
	const guint8 *data = g_bytes_get_data(value, &len);
	g_auto(WbAppMetadata) app = {0};
	g_autoptr(GError) error = NULL;

	if (g_bytes_get_size(key) != sizeof(WbUuid) || len != WB_APP_METADATA_LEN ||
	    !wb_app_metadata_decode(data, len, &app, &error)) {
		result->status = WB_BLOBDB_STATUS_INVALID_DATA;
		result->summary = g_strdup_printf(
			"app: key must be 16 bytes and the value %d bytes%s%s", WB_APP_METADATA_LEN,
			error != NULL ? ": " : "", error != NULL ? error->message : "");
		return;
	}
	result->status = WB_BLOBDB_STATUS_SUCCESS;
	result->effect = store(self, WB_BLOBDB_DATABASE_APPS, key, key, value, 0);
	result->summary = g_strdup_printf("app '%s'", app.name);
}

static void
handle_insert(WbSimBlobdb *self, const WbBlobdbCommand *cmd, WbSimBlobdbResult *result)
{
	g_autofree gchar *key_str = NULL;
	guint database = cmd->database;

	switch ((WbBlobdbDatabase)database) {
	case WB_BLOBDB_DATABASE_TEST:
		/* FW api.c has no handlers for the test database: E_INVALID_OPERATION, which
		 * the endpoint maps to DataStale */
		result->status = WB_BLOBDB_STATUS_DATA_STALE;
		result->summary = g_strdup("test database has no handler");
		return;
	case WB_BLOBDB_DATABASE_NOTIFICATIONS:
		insert_notification(self, cmd->key, cmd->value, result);
		return;
	case WB_BLOBDB_DATABASE_PINS:
	case WB_BLOBDB_DATABASE_REMINDERS:
		insert_timeline(self, database, cmd->key, cmd->value, result);
		return;
	case WB_BLOBDB_DATABASE_APPS:
		insert_app(self, cmd->key, cmd->value, result);
		return;
	case WB_BLOBDB_DATABASE_SETTINGS:
		if (cmd->command == WB_BLOBDB_COMMAND_INSERT_WITH_TIMESTAMP) {
			const WbSimBlobdbRecord *old = wb_sim_blobdb_lookup(
				self, database, g_bytes_get_data(cmd->key, NULL),
				g_bytes_get_size(cmd->key));
			/* CFW: refused when the watch's copy is newer */
			if (old != NULL && old->timestamp > cmd->timestamp) {
				result->status = WB_BLOBDB_STATUS_DATA_STALE;
				result->summary = g_strdup("settings: the watch's copy is newer");
				return;
			}
		}
		break;
	case WB_BLOBDB_DATABASE_WEATHER:
	case WB_BLOBDB_DATABASE_IOS_NOTIF_PREFS:
	case WB_BLOBDB_DATABASE_PREFS:
	case WB_BLOBDB_DATABASE_CONTACTS:
	case WB_BLOBDB_DATABASE_WATCH_APP_PREFS:
	case WB_BLOBDB_DATABASE_HEALTH:
	case WB_BLOBDB_DATABASE_APP_GLANCES:
		break;
	}
	/* the other databases keep what they get; their value formats are not simulated */
	result->status = WB_BLOBDB_STATUS_SUCCESS;
	result->effect = store(self, database, cmd->key, cmd->key, cmd->value, cmd->timestamp);
	key_str = key_to_string(database, cmd->key);
	result->summary = g_strdup_printf("%s '%s' (%" G_GSIZE_FORMAT " bytes)",
					  wb_blobdb_database_to_string(cmd->database), key_str,
					  g_bytes_get_size(cmd->value));
}

static void
handle_delete(WbSimBlobdb *self, const WbBlobdbCommand *cmd, WbSimBlobdbResult *result)
{
	gsize key_len;
	const guint8 *key = g_bytes_get_data(cmd->key, &key_len);
	g_autofree gchar *key_str = key_to_string(cmd->database, cmd->key);
	const gchar *dbname = wb_blobdb_database_to_string(cmd->database);
	gint i;

	if (cmd->database == WB_BLOBDB_DATABASE_TEST) {
		result->status = WB_BLOBDB_STATUS_DATA_STALE;
		result->summary = g_strdup("test database has no handler");
		return;
	}
	if (database_is_timeline(cmd->database) || cmd->database == WB_BLOBDB_DATABASE_APPS) {
		if (key_len != sizeof(WbUuid)) {
			result->status = WB_BLOBDB_STATUS_INVALID_DATA;
			result->summary = g_strdup_printf("%s: key must be 16 bytes", dbname);
			return;
		}
	}
	i = find_index(self, cmd->database, key, key_len);
	if (i >= 0) {
		g_ptr_array_remove_index(self->records[cmd->database], (guint)i);
		result->status = WB_BLOBDB_STATUS_SUCCESS;
		result->effect = WB_SIM_BLOBDB_EFFECT_DELETED;
		result->summary = g_strdup_printf("%s '%s'", dbname, key_str);
		return;
	}
	if (cmd->database == WB_BLOBDB_DATABASE_NOTIFICATIONS) {
		/* FW notif_db_delete always succeeds, also for unknown ids (observed, §6 of
		 * pebbleos-rendering.md) */
		result->status = WB_BLOBDB_STATUS_SUCCESS;
		result->summary = g_strdup_printf("%s '%s' (not stored)", dbname, key_str);
		return;
	}
	result->status = WB_BLOBDB_STATUS_KEY_DOES_NOT_EXIST;
	result->summary = g_strdup_printf("%s '%s' does not exist", dbname, key_str);
}

/**
 * wb_sim_blobdb_handle:
 * @self: the databases
 * @payload: (array length=len): a BlobDB v1 payload from the phone
 * @len: its length
 * @out_result: (out caller-allocates): what to answer and what happened; clear it with
 *   wb_sim_blobdb_result_clear()
 *
 * Runs one command as the firmware's endpoint does: every command is answered, malformed ones
 * with InvalidData (with the token when one can be read), Read, Update and unknown commands
 * with InvalidOperation, unknown databases with InvalidDatabaseID.
 */
void
wb_sim_blobdb_handle(WbSimBlobdb *self, const guint8 *payload, gsize len,
		     WbSimBlobdbResult *out_result)
{
	g_auto(WbBlobdbCommand) cmd = {0};
	g_autoptr(GError) error = NULL;
	guint16 token = 0;

	memset(out_result, 0, sizeof(*out_result));
	if (len >= 1)
		out_result->command = payload[0];
	if (len >= 4)
		out_result->database = payload[3];
	(void)wb_blobdb_command_peek_token(payload, len, &token);
	out_result->token = token;

	/* FW endpoint.c: fewer than command + token → InvalidData with token 0 */
	if (len < 3) {
		out_result->status = WB_BLOBDB_STATUS_INVALID_DATA;
		out_result->summary = g_strdup_printf("%" G_GSIZE_FORMAT "-byte command", len);
		return;
	}
	switch (payload[0]) {
	case WB_BLOBDB_COMMAND_INSERT:
	case WB_BLOBDB_COMMAND_DELETE:
	case WB_BLOBDB_COMMAND_CLEAR:
	case WB_BLOBDB_COMMAND_INSERT_WITH_TIMESTAMP:
		break;
	default:
		out_result->status = WB_BLOBDB_STATUS_INVALID_OPERATION;
		out_result->summary =
			g_strdup_printf("command 0x%02x is not implemented", payload[0]);
		return;
	}
	if (!wb_blobdb_command_decode(payload, len, &cmd, &error)) {
		/* A well-formed command for an unknown database gets InvalidDatabaseID (the
		 * database is checked after parsing, FW api.c); anything malformed InvalidData */
		out_result->status = WB_BLOBDB_STATUS_INVALID_DATA;
		if (len >= 4 && !wb_blobdb_database_is_valid(payload[3])) {
			g_autofree guint8 *copy = g_memdup2(payload, len);
			g_auto(WbBlobdbCommand) probe = {0};

			copy[3] = WB_BLOBDB_DATABASE_PINS;
			if (wb_blobdb_command_decode(copy, len, &probe, NULL)) {
				out_result->status = WB_BLOBDB_STATUS_INVALID_DATABASE_ID;
				out_result->summary =
					g_strdup_printf("unknown database 0x%02x", payload[3]);
				return;
			}
		}
		out_result->summary = g_strdup(error->message);
		return;
	}
	switch (cmd.command) {
	case WB_BLOBDB_COMMAND_INSERT:
	case WB_BLOBDB_COMMAND_INSERT_WITH_TIMESTAMP:
		handle_insert(self, &cmd, out_result);
		return;
	case WB_BLOBDB_COMMAND_DELETE:
		handle_delete(self, &cmd, out_result);
		return;
	case WB_BLOBDB_COMMAND_CLEAR:
		if (cmd.database == WB_BLOBDB_DATABASE_TEST) {
			out_result->status = WB_BLOBDB_STATUS_DATA_STALE;
			out_result->summary = g_strdup("test database has no handler");
			return;
		}
		g_ptr_array_set_size(self->records[cmd.database], 0);
		out_result->status = WB_BLOBDB_STATUS_SUCCESS;
		out_result->effect = WB_SIM_BLOBDB_EFFECT_CLEARED;
		out_result->summary = g_strdup(wb_blobdb_database_to_string(cmd.database));
		return;
	case WB_BLOBDB_COMMAND_READ:
	case WB_BLOBDB_COMMAND_UPDATE:
		break;
	}
	out_result->status = WB_BLOBDB_STATUS_INVALID_OPERATION;
	out_result->summary = g_strdup_printf("command 0x%02x is not implemented", cmd.command);
}

/**
 * wb_sim_blobdb_parse_database:
 * @name: a database name as wb_blobdb_database_to_string() gives it ("notifications",
 *   "pins", "app-glances"…), with `_` accepted for `-`, or a number (decimal or 0x hex)
 * @out_database: (out): the id
 *
 * Returns: %TRUE if @name names a database of §3.2
 */
gboolean
wb_sim_blobdb_parse_database(const gchar *name, guint *out_database)
{
	g_autofree gchar *norm = g_strdelimit(g_ascii_strdown(name, -1), "_", '-');
	guint64 v;

	for (guint i = 0; i < WB_SIM_BLOBDB_N_DATABASES; i++) {
		if (g_str_equal(norm, wb_blobdb_database_to_string((WbBlobdbDatabase)i))) {
			*out_database = i;
			return TRUE;
		}
	}
	/* a few singular forms people type */
	if (g_str_equal(norm, "notification") || g_str_equal(norm, "notifs")) {
		*out_database = WB_BLOBDB_DATABASE_NOTIFICATIONS;
		return TRUE;
	}
	if (g_str_equal(norm, "pin")) {
		*out_database = WB_BLOBDB_DATABASE_PINS;
		return TRUE;
	}
	if (g_str_equal(norm, "app")) {
		*out_database = WB_BLOBDB_DATABASE_APPS;
		return TRUE;
	}
	if (g_ascii_string_to_unsigned(norm, 10, 0, WB_SIM_BLOBDB_N_DATABASES - 1, &v, NULL) ||
	    (g_str_has_prefix(norm, "0x") &&
	     g_ascii_string_to_unsigned(norm + 2, 16, 0, WB_SIM_BLOBDB_N_DATABASES - 1, &v,
					NULL))) {
		*out_database = (guint)v;
		return TRUE;
	}
	return FALSE;
}

static void
add_app_json(JsonBuilder *builder, const guint8 *data, gsize len)
{
	g_auto(WbAppMetadata) app = {0};

	if (!wb_app_metadata_decode(data, len, &app, NULL))
		return;
	json_builder_set_member_name(builder, "app");
	json_builder_begin_object(builder);
	wb_sim_json_add_uuid(builder, "uuid", &app.uuid);
	json_builder_set_member_name(builder, "name");
	json_builder_add_string_value(builder, app.name);
	json_builder_set_member_name(builder, "flags");
	json_builder_add_int_value(builder, app.flags);
	json_builder_set_member_name(builder, "watchface");
	json_builder_add_boolean_value(builder, (app.flags & WB_APP_FLAG_WATCHFACE) != 0);
	json_builder_set_member_name(builder, "has_worker");
	json_builder_add_boolean_value(builder, (app.flags & WB_APP_FLAG_HAS_WORKER) != 0);
	json_builder_set_member_name(builder, "platform");
	json_builder_add_int_value(builder, wb_app_metadata_get_platform(&app));
	json_builder_set_member_name(builder, "icon");
	json_builder_add_int_value(builder, app.icon_resource_id);
	json_builder_set_member_name(builder, "version");
	{
		g_autofree gchar *v =
			g_strdup_printf("%u.%u", app.app_version_major, app.app_version_minor);
		json_builder_add_string_value(builder, v);
	}
	json_builder_set_member_name(builder, "sdk_version");
	{
		g_autofree gchar *v =
			g_strdup_printf("%u.%u", app.sdk_version_major, app.sdk_version_minor);
		json_builder_add_string_value(builder, v);
	}
	json_builder_end_object(builder);
}

static void
add_record_json(JsonBuilder *builder, guint database, const WbSimBlobdbRecord *record)
{
	gsize len, key_len;
	const guint8 *data = g_bytes_get_data(record->value, &len);
	const guint8 *key = g_bytes_get_data(record->wire_key, &key_len);
	g_autofree gchar *key_str = key_to_string(database, record->wire_key);
	g_autofree gchar *key_hex = wb_sim_hex(key, key_len);

	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "key");
	json_builder_add_string_value(builder, key_str);
	json_builder_set_member_name(builder, "key_hex");
	json_builder_add_string_value(builder, key_hex);
	json_builder_set_member_name(builder, "size");
	json_builder_add_int_value(builder, (gint64)len);
	if (database_is_timeline(database)) {
		g_auto(WbTimelineItem) item = {0};
		if (wb_timeline_item_decode(data, len, &item, NULL))
			wb_sim_json_add_timeline_item(builder, &item);
	} else if (database == WB_BLOBDB_DATABASE_APPS) {
		json_builder_set_member_name(builder, "install_id");
		json_builder_add_int_value(builder, record->install_id);
		add_app_json(builder, data, len);
	} else {
		g_autofree gchar *hex = wb_sim_hex(data, len);
		json_builder_set_member_name(builder, "value");
		json_builder_add_string_value(builder, hex);
		if (database == WB_BLOBDB_DATABASE_SETTINGS && record->timestamp != 0) {
			json_builder_set_member_name(builder, "timestamp");
			json_builder_add_int_value(builder, record->timestamp);
		}
	}
	json_builder_end_object(builder);
}

/**
 * wb_sim_blobdb_add_json:
 * @self: the databases
 * @builder: a builder inside an object
 * @database: a database id, or -1 for all
 *
 * Adds one member per database, named as wb_blobdb_database_to_string() names it, holding the
 * array of its records in insert order. Each record has "key" (a UUID, text or hex),
 * "key_hex", "size" and, by database: the decoded item's members (timeline databases),
 * "install_id" and "app" (apps), or "value" in hex (the others).
 */
void
wb_sim_blobdb_add_json(const WbSimBlobdb *self, JsonBuilder *builder, gint database)
{
	for (guint db = 0; db < WB_SIM_BLOBDB_N_DATABASES; db++) {
		GPtrArray *records = self->records[db];

		if (database >= 0 && (guint)database != db)
			continue;
		json_builder_set_member_name(builder,
					     wb_blobdb_database_to_string((WbBlobdbDatabase)db));
		json_builder_begin_array(builder);
		for (guint i = 0; i < records->len; i++)
			add_record_json(builder, db, g_ptr_array_index(records, i));
		json_builder_end_array(builder);
	}
}
