//! The order a file's diagnostics are shown in: by start, rule id, end and message, equal ones in the order
//! they were found, whichever way the findings were made (a rule run over the whole module, or block by block).

use super::Diagnostic;
use crate::fast_hash::FastMap;
use crate::rule::{Rule, Rules};

/// A dense file's thousands of diagnostics are sorted at every keystroke. What is sorted is one integer for
/// each, its start, its rule's rank among the ids and its index: comparing the diagnostics themselves (their
/// ids first of all, for the many findings on one resource's header), moving them about, and cloning a key of
/// each all showed in profiles. The diagnostics are compared only where two start at one place and the ranks do
/// not decide (a rule twice there, or a note, which has no rank); each is moved once.
pub(super) struct DiagnosticOrder {
    /// Each rule's place among the rules sorted by id, by the rule's address.
    ranks: FastMap<usize, u32>,
}

/// The rank of a diagnostic of no rule of the set (a note, a syntax error): it sorts by its code.
const UNRANKED: u32 = u32::MAX;

fn address(rule: &'static Rule) -> usize {
    rule as *const Rule as usize
}

impl DiagnosticOrder {
    pub(super) fn new(rules: Rules) -> DiagnosticOrder {
        let mut by_id: Vec<&'static Rule> = rules.all().to_vec();
        by_id.sort_by_key(|r| r.id);
        DiagnosticOrder { ranks: by_id.into_iter().enumerate().map(|(i, r)| (address(r), i as u32)).collect() }
    }

    pub(super) fn sort(&self, diagnostics: &mut Vec<Diagnostic>) {
        if diagnostics.is_sorted_by(|a, b| by_place(a, b).is_le()) {
            return;
        }
        let rank = |d: &Diagnostic| d.rule.and_then(|r| self.ranks.get(&address(r)).copied()).unwrap_or(UNRANKED);
        let mut keys: Vec<Key> =
            diagnostics.iter().enumerate().map(|(i, d)| Key::new(d.range.start, rank(d), i)).collect();
        keys.sort_unstable();
        let by_place_then_index = |a: &Key, b: &Key| {
            by_place(&diagnostics[a.index()], &diagnostics[b.index()]).then(a.index().cmp(&b.index()))
        };
        for run in keys.chunk_by_mut(|a, b| a.start() == b.start()) {
            let undecided =
                run.windows(2).any(|w| w[0].rank() == w[1].rank()) || run.iter().any(|k| k.rank() == UNRANKED);
            if undecided {
                run.sort_by(by_place_then_index);
            }
        }
        let mut slots: Vec<Option<Diagnostic>> = std::mem::take(diagnostics).into_iter().map(Some).collect();
        diagnostics.extend(keys.into_iter().map(|k| slots[k.index()].take().expect("each index once")));
    }
}

fn by_place(a: &Diagnostic, b: &Diagnostic) -> std::cmp::Ordering {
    (a.range.start, a.code, a.range.end, &a.message).cmp(&(b.range.start, b.code, b.range.end, &b.message))
}

/// Start, rank and index, most significant first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Key(u128);

impl Key {
    fn new(start: usize, rank: u32, index: usize) -> Key {
        Key((start as u128) << 64 | (rank as u128) << 32 | index as u32 as u128)
    }
    fn start(self) -> usize {
        (self.0 >> 64) as usize
    }
    fn rank(self) -> u32 {
        (self.0 >> 32) as u32
    }
    fn index(self) -> usize {
        self.0 as u32 as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::TextRange;

    fn finding(rule: &'static Rule, start: usize, end: usize, message: &str) -> Diagnostic {
        Diagnostic {
            rule: Some(rule),
            code: rule.id,
            ..Diagnostic::note(TextRange::new(start, end), "unused", message.to_string())
        }
    }

    fn note(code: &'static str, start: usize, message: &str) -> Diagnostic {
        Diagnostic::note(TextRange::new(start, start + 1), code, message.to_string())
    }

    /// The order is the one a comparison of the diagnostics gives, equal ones kept in their order.
    #[test]
    fn sorts_by_place_rule_end_and_message_keeping_equal_ones_in_order() {
        let rules = crate::catalog::rules();
        let order = DiagnosticOrder::new(rules);
        let all = rules.all();
        let (a, b) = if all[0].id < all[1].id { (all[0], all[1]) } else { (all[1], all[0]) };
        let mut first = finding(a, 10, 20, "same");
        first.severity = crate::rule::Severity::Error;
        let mut twin = first.clone();
        twin.severity = crate::rule::Severity::Hint;
        let mut diagnostics = vec![
            finding(b, 10, 20, "x"),
            finding(a, 10, 30, "y"),
            note("unknown-rule", 10, "a note"),
            first,
            finding(a, 10, 20, "earlier"),
            twin,
            finding(b, 5, 20, "first"),
            note("syntax-error", 40, "last"),
            note("a-note", 10, "sorts by its code"),
        ];
        let mut expected = diagnostics.clone();
        expected.sort_by(by_place);
        order.sort(&mut diagnostics);
        assert_eq!(diagnostics, expected);
        // The twins stay in their order (a stable sort): the first one found is the first shown.
        let twins: Vec<_> = diagnostics.iter().filter(|d| &*d.message == "same").map(|d| d.severity).collect();
        assert_eq!(twins, [crate::rule::Severity::Error, crate::rule::Severity::Hint]);
        let sorted = diagnostics.clone();
        order.sort(&mut diagnostics);
        assert_eq!(diagnostics, sorted);
    }

    /// Over many diagnostics in a scrambled order (as the findings of a dense file come, rule after rule).
    #[test]
    fn sorts_many_as_a_comparison_would() {
        let rules = crate::catalog::rules();
        let order = DiagnosticOrder::new(rules);
        let all = rules.all();
        let mut diagnostics: Vec<Diagnostic> = (0..3000usize)
            .map(|i| {
                let rule = all[(i * 7919) % all.len()];
                let start = (i * 104_729) % 997;
                finding(rule, start, start + i % 3, &format!("m{}", i % 5))
            })
            .collect();
        let mut expected = diagnostics.clone();
        expected.sort_by(by_place);
        order.sort(&mut diagnostics);
        assert_eq!(diagnostics, expected);
    }
}
