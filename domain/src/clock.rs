//! Time is passed in, never read ad hoc: services ask their `Clock`, tests fix it and move it.

use std::sync::{Arc, Mutex};

use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> OffsetDateTime;
}

/// The wall clock, for production.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // the one place that reads the real time
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that only moves when told to, for tests.
#[derive(Debug, Clone)]
pub struct FixedClock(Arc<Mutex<OffsetDateTime>>);

impl FixedClock {
    pub fn new(at: OffsetDateTime) -> Self {
        FixedClock(Arc::new(Mutex::new(at)))
    }

    pub fn set(&self, at: OffsetDateTime) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = at;
    }

    pub fn advance(&self, by: time::Duration) {
        let mut now = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *now += by;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// How instants are stored: UTC text of fixed width with milliseconds,
/// `2026-11-28T09:30:00.000Z`. Fixed width makes text order equal time order, so SQL can sort
/// and compare stored instants (`created_at < ?`) on every backend; RFC 3339 as produced by
/// `time` has a variable number of fraction digits and does not sort.
const DB_FORMAT: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// The stored form of `at` (see [`DB_FORMAT`]), truncated to the millisecond.
pub fn to_db(at: OffsetDateTime) -> String {
    at.to_offset(UtcOffset::UTC)
        .format(DB_FORMAT)
        .expect("every instant of years 0000-9999 has this form")
}

/// Reads an instant written by [`to_db`].
pub fn from_db(text: &str) -> Result<OffsetDateTime, time::error::Parse> {
    PrimitiveDateTime::parse(text, DB_FORMAT).map(PrimitiveDateTime::assume_utc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn fixed_clock_moves_only_when_told() {
        let clock = FixedClock::new(datetime!(2026-01-02 03:04:05 UTC));
        assert_eq!(clock.now(), datetime!(2026-01-02 03:04:05 UTC));
        clock.advance(time::Duration::hours(1));
        assert_eq!(to_db(clock.now()), "2026-01-02T04:04:05.000Z");
    }

    #[test]
    fn stored_instants_have_one_width_and_sort_as_text() {
        let instants = [
            datetime!(2026-01-02 03:04:05 UTC),
            datetime!(2026-01-02 03:04:05.000_999 UTC),
            datetime!(2026-01-02 03:04:05.1 UTC),
            datetime!(2026-01-02 05:04:05.123_456_789 +02:00),
            datetime!(2026-01-02 03:04:06 UTC),
        ];
        let stored: Vec<String> = instants.iter().map(|at| to_db(*at)).collect();
        assert!(stored.iter().all(|s| s.len() == 24), "{stored:?}");
        assert_eq!(stored[3], "2026-01-02T03:04:05.123Z");
        let mut sorted = stored.clone();
        sorted.sort();
        assert_eq!(sorted, stored);
        assert_eq!(
            from_db(&stored[3]).unwrap(),
            datetime!(2026-01-02 03:04:05.123 UTC)
        );
    }
}
