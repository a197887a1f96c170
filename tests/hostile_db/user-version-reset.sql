-- Another tool reset the schema version.
PRAGMA user_version = 0;
