-- Instants become fixed-width UTC text with milliseconds (2026-11-28T09:30:00.000Z), which
-- sorts and compares as text; RFC 3339 as written before had a variable number of digits
-- (none, or up to nine). Only the text is rewritten (truncated to the millisecond, as
-- clock::to_db does): every stored value was UTC ('Z').
UPDATE environments SET created_at = substr(created_at, 1, 19) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.' THEN replace(substr(created_at, 21, 3), 'Z', '') ELSE '' END || '000', 1, 3) || 'Z' WHERE length(created_at) <> 24;
UPDATE currencies SET created_at = substr(created_at, 1, 19) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.' THEN replace(substr(created_at, 21, 3), 'Z', '') ELSE '' END || '000', 1, 3) || 'Z' WHERE length(created_at) <> 24;
UPDATE monetary_zones SET created_at = substr(created_at, 1, 19) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.' THEN replace(substr(created_at, 21, 3), 'Z', '') ELSE '' END || '000', 1, 3) || 'Z' WHERE length(created_at) <> 24;
UPDATE dfsps SET created_at = substr(created_at, 1, 19) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.' THEN replace(substr(created_at, 21, 3), 'Z', '') ELSE '' END || '000', 1, 3) || 'Z' WHERE length(created_at) <> 24;
