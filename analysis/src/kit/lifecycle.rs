//! Support-lifecycle helpers (Lambda runtimes, EKS versions, ElastiCache engines): dates and versions. "Today"
//! comes from the caller through `TfContext::today`, so the tables age by themselves without the analysis
//! reading the clock.

pub use crate::date::Date;

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
        assert_eq!(Date::from_unix_seconds(1_796_000_000), Date::new(2026, 11, 30));
        assert_eq!(Date::new(2026, 1, 5).to_string(), "2026-01-05");
        assert_eq!(version_parts("1.29"), [1, 29]);
        assert_eq!(version_parts("6.x"), [6]);
        assert_eq!(version_parts("v5.0.6"), [5, 0, 6]);
    }
}
