-- Instants become fixed-width UTC text with milliseconds (2026-11-28T09:30:00.000Z), which
-- sorts and compares as text; RFC 3339 as written before had a variable number of digits
-- (none, or up to nine). Only the text is rewritten: every stored value was UTC ('Z').
UPDATE environments SET created_at = CONCAT(LEFT(created_at, 19), '.', RPAD(IF(SUBSTRING(created_at, 20, 1) = '.', REPLACE(SUBSTRING(created_at, 21, 3), 'Z', ''), ''), 3, '0'), 'Z') WHERE LENGTH(created_at) <> 24;
UPDATE currencies SET created_at = CONCAT(LEFT(created_at, 19), '.', RPAD(IF(SUBSTRING(created_at, 20, 1) = '.', REPLACE(SUBSTRING(created_at, 21, 3), 'Z', ''), ''), 3, '0'), 'Z') WHERE LENGTH(created_at) <> 24;
UPDATE monetary_zones SET created_at = CONCAT(LEFT(created_at, 19), '.', RPAD(IF(SUBSTRING(created_at, 20, 1) = '.', REPLACE(SUBSTRING(created_at, 21, 3), 'Z', ''), ''), 3, '0'), 'Z') WHERE LENGTH(created_at) <> 24;
UPDATE dfsps SET created_at = CONCAT(LEFT(created_at, 19), '.', RPAD(IF(SUBSTRING(created_at, 20, 1) = '.', REPLACE(SUBSTRING(created_at, 21, 3), 'Z', ''), ''), 3, '0'), 'Z') WHERE LENGTH(created_at) <> 24;
