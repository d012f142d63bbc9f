//! Support-lifecycle dates (Lambda runtimes, EKS versions, ElastiCache engines): a small civil date type and
//! "today" from the system clock, so that a version table keyed by AWS's published dates ages by itself.

/// A calendar date (UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    pub const fn new(year: i32, month: u32, day: u32) -> Date {
        Date { year, month, day }
    }

    /// Today, in UTC, from the system clock.
    pub fn today() -> Date {
        let secs =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        Date::from_days(secs.div_euclid(86_400))
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    pub fn days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Days from `self` to `other` (negative when `other` is earlier).
    pub fn days_until(self, other: Date) -> i64 {
        other.days() - self.days()
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A dotted version (`"1.29"`, `"5.0.6"`, `"6.x"`) as numbers; a non-numeric part ends it.
pub fn version_parts(text: &str) -> Vec<u32> {
    text.trim().trim_start_matches(['v', 'V']).split('.').map_while(|p| p.parse().ok()).collect()
}

/// The major version a registry module call pins (`version = "~> 2.0"` gives 2); `None` when the version is
/// absent (the latest is used) or not a literal.
pub fn module_major(block: &crate::terraform::model::Block) -> Option<u32> {
    let text = block.attr("version")?.expr.as_literal_str()?;
    let first = text.split(',').next()?.trim().trim_start_matches(['~', '>', '=', '<', '^', '!', ' ']);
    version_parts(first).first().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_compare() {
        for d in [Date::new(1970, 1, 1), Date::new(2024, 2, 29), Date::new(2026, 11, 29), Date::new(2029, 12, 31)] {
            assert_eq!(Date::from_days(d.days()), d);
        }
        assert_eq!(Date::new(1970, 1, 2).days(), 1);
        assert_eq!(Date::new(2026, 11, 29).days_until(Date::new(2026, 12, 2)), 3);
        assert!(Date::new(2026, 3, 31) < Date::new(2026, 4, 1));
        assert!(Date::today() > Date::new(2025, 1, 1));
        assert_eq!(Date::new(2026, 1, 5).to_string(), "2026-01-05");
        assert_eq!(version_parts("1.29"), [1, 29]);
        assert_eq!(version_parts("6.x"), [6]);
        assert_eq!(version_parts("v5.0.6"), [5, 0, 6]);
    }
}
