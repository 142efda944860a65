#pragma once

namespace geo {

class sqlite_db;

/// The schema version (PRAGMA user_version) of the databases this program writes. Version 1
/// had areas, targets, collaborators, pledges and the import log; version 2 added the server's
/// records: pledge origin, realizations, audit log, idempotent answers, tokens; version 3 the
/// living registry: retired rows, flagged pledges, the changes of every import; version 4
/// sign-in links and session tokens (kind, name, expiry); version 5
/// locations recorded in the field (located_at, located_by); version 6 the change feed
/// (changes) and id serials (serials) that let several servers share the store.
inline constexpr int spatialite_schema_version = 6;

/// The schema version of a database; 0 for one without a schema yet.
int schema_version_of(sqlite_db& db);

/// Runs the schema steps after `version` (0: none yet), leaving the database at
/// spatialite_schema_version; call inside a transaction, which makes a migration all or
/// nothing. store_error for a version newer than this program.
void upgrade_schema(sqlite_db& db, int version);

}  // namespace geo
