-- An environment's DFSPs in the order they were added (ORDER BY id), read from the index
-- instead of sorted per read: the other indexes on env_id are ordered by DFSP id or zone.
CREATE INDEX dfsps_env ON dfsps (env_id);
