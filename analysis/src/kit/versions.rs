//! Version constraints (`version = "~> 3.0"`) of registry modules and of the AWS provider: some defaults changed
//! between versions (the s3-bucket module blocks public access by default since 3.9, the rds module encrypts
//! since 4.0, the AWS provider 6 made Redshift clusters private by default), so a rule reading an absent input
//! asks which versions the configuration allows.
//!
//! Used by the S3, RDS and Redshift rules.

use crate::terraform::check::{Resource, TfContext};
use crate::terraform::view::Config;

/// A version as numbers: `3.7.0` is `[3, 7, 0]`. Pre-release suffixes are dropped.
pub fn parse(text: &str) -> Option<Vec<u64>> {
    let text = text.trim().trim_start_matches('v');
    let core = text.split(['-', '+']).next()?;
    let parts: Option<Vec<u64>> = core.split('.').map(|p| p.trim().parse().ok()).collect();
    parts.filter(|p| !p.is_empty())
}

fn cmp(a: &[u64], b: &[u64]) -> std::cmp::Ordering {
    let n = a.len().max(b.len());
    (0..n)
        .map(|i| a.get(i).unwrap_or(&0).cmp(b.get(i).unwrap_or(&0)))
        .find(|o| o.is_ne())
        .unwrap_or(std::cmp::Ordering::Equal)
}

/// Whether version `a` is below `b` (missing parts are zeros).
pub fn less(a: &[u64], b: &[u64]) -> bool {
    cmp(a, b).is_lt()
}

/// The bounds a constraint sets: the highest version it allows (`None`: no upper bound) and the lowest.
#[derive(Debug, Default, PartialEq)]
pub struct Bounds {
    /// `(version, inclusive)`.
    pub upper: Option<(Vec<u64>, bool)>,
    pub lower: Option<Vec<u64>>,
}

/// The bounds of a Terraform version constraint (`"3.7.0"`, `"~> 3.0"`, `">= 4.2, < 5.0"`); `None` if it
/// does not parse.
pub fn bounds(constraint: &str) -> Option<Bounds> {
    let mut out = Bounds::default();
    for term in constraint.split(',') {
        let term = term.trim();
        if term.is_empty() {
            continue;
        }
        let (op, rest) = ["~>", ">=", "<=", "!=", "=", ">", "<"]
            .iter()
            .find_map(|op| term.strip_prefix(op).map(|r| (*op, r)))
            .unwrap_or(("=", term));
        let v = parse(rest)?;
        let mut upper = |bound: Vec<u64>, inclusive: bool| {
            let tighter = match &out.upper {
                None => true,
                Some((u, inc)) => match cmp(&bound, u) {
                    std::cmp::Ordering::Less => true,
                    std::cmp::Ordering::Equal => *inc && !inclusive,
                    std::cmp::Ordering::Greater => false,
                },
            };
            if tighter {
                out.upper = Some((bound, inclusive));
            }
        };
        let mut lower_bound = None;
        match op {
            "=" => {
                upper(v.clone(), true);
                lower_bound = Some(v);
            }
            "<" => upper(v, false),
            "<=" => upper(v, true),
            ">" | ">=" => lower_bound = Some(v),
            "~>" => {
                if v.len() >= 2 {
                    let mut next = v[..v.len() - 1].to_vec();
                    *next.last_mut().expect("at least one part") += 1;
                    upper(next, false);
                }
                lower_bound = Some(v);
            }
            _ => {} // `!=` excludes one version only
        }
        if let Some(l) = lower_bound {
            if out.lower.as_ref().is_none_or(|cur| less(cur, &l)) {
                out.lower = Some(l);
            }
        }
    }
    Some(out)
}

/// Whether every version the constraint allows is below `threshold`.
pub fn all_below(constraint: &str, threshold: &[u64]) -> bool {
    match bounds(constraint).and_then(|b| b.upper) {
        Some((u, inclusive)) => less(&u, threshold) || (!inclusive && cmp(&u, threshold).is_eq()),
        None => false,
    }
}

/// Whether every version the constraint allows is at least `threshold`.
pub fn all_at_least(constraint: &str, threshold: &[u64]) -> bool {
    bounds(constraint).and_then(|b| b.lower).is_some_and(|l| !less(&l, threshold))
}

/// The literal `version` of a module call (`None` when absent or not a literal: the latest version).
pub fn module_version<'m>(res: Resource<'m>) -> Option<&'m str> {
    res.block.attr("version").and_then(|a| a.expr.as_literal_str())
}

/// Whether a module call is pinned below `threshold`, so that a default changed in `threshold` still has its
/// old value. Without a `version`, Terraform installs the latest release.
pub fn module_below(res: Resource, threshold: &[u64]) -> bool {
    module_version(res).is_some_and(|v| all_below(v, threshold))
}

/// The AWS provider version constraints in `terraform { required_providers { aws = ... } }`.
pub fn aws_provider_constraints<'m>(ctx: &TfContext<'_, 'm>) -> Vec<&'m str> {
    let mut out = Vec::new();
    for (_, tf) in ctx.module.blocks("terraform") {
        for rp in tf.blocks("required_providers") {
            let Some(aws) = Config::Block(rp).attr("aws") else { continue };
            if let Some(v) = aws.expr.as_literal_str() {
                out.push(v);
            } else if let Some(v) = Config::Object(aws.expr).attr("version").and_then(|f| f.expr.as_literal_str()) {
                out.push(v);
            }
        }
    }
    out
}

/// Whether the configuration requires AWS provider `threshold` or later.
pub fn aws_provider_at_least(ctx: &TfContext, threshold: &[u64]) -> bool {
    aws_provider_constraints(ctx).iter().any(|c| all_at_least(c, threshold))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraints_have_bounds() {
        assert!(all_below("3.7.0", &[3, 9]));
        assert!(!all_below("3.9.0", &[3, 9]));
        assert!(all_below("~> 3.0", &[4, 0]));
        assert!(!all_below("~> 3.0", &[3, 9]));
        assert!(all_below("~> 3.7.0", &[3, 9]));
        assert!(all_below(">= 3.0, < 3.9", &[3, 9]));
        assert!(!all_below(">= 3.0", &[3, 9]));
        assert!(!all_below("~> 3", &[3, 9]));
        assert!(!all_below("not a version", &[3, 9]));
        assert!(all_at_least(">= 6.0", &[6, 0]));
        assert!(all_at_least("~> 6.2", &[6, 0]));
        assert!(!all_at_least("~> 5.0", &[6, 0]));
        assert!(!all_at_least("< 7.0", &[6, 0]));
        assert_eq!(parse("v1.2.3-beta"), Some(vec![1, 2, 3]));
    }
}
