#pragma once

namespace geo {

class pg_connection;

/// The schema version of the PostgreSQL databases this program writes, kept in the one row of
/// table `schema_version`. Version 1 has what SpatiaLite schema 5 has (areas, targets,
/// collaborators, pledges, the import log and changes, the server's records, sign-in links,
/// locations recorded in the field) plus the change feed (changes, change_head, serials).
inline constexpr int postgres_schema_version = 1;

/// Creates the schema, or migrates an older one, in one transaction of its own: PostGIS
/// (CREATE EXTENSION IF NOT EXISTS), the tables, the schema version. Servers starting at once
/// on an empty database take turns (an advisory lock), so one creates and the others find it.
/// store_error for a version newer than this program.
void prepare_postgres_schema(pg_connection& db);

/// Now, in UTC, in the formats the SQLite store writes: to the second (2024-03-01T08:00:00Z)
/// and to the millisecond (2024-03-01T08:00:00.125Z). The clock, not the transaction's start.
inline constexpr const char* pg_now_sql =
    "to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
inline constexpr const char* pg_now_ms_sql =
    "to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";

}  // namespace geo
