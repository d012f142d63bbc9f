pub mod deprecated_runtime;
pub mod permission_public;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&deprecated_runtime::RULE, &permission_public::RULE];

#[cfg(test)]
mod tests {
    use crate::kit::testing::{check_cfn_fixes, run_cfn};

    /// The documented CloudFormation examples of the rules of this author's services are real: the insecure one
    /// is flagged and its fixes work; the fixed one is not flagged.
    #[test]
    fn cloudformation_examples_are_flagged_and_their_fixed_forms_are_not() {
        let services = [
            crate::catalog::sqs::RULES,
            crate::catalog::sns::RULES,
            crate::catalog::ecr::RULES,
            crate::catalog::elasticache::RULES,
            crate::catalog::opensearch::RULES,
            super::RULES,
            crate::catalog::eks::RULES,
        ];
        for rule in services.concat() {
            let m = crate::kit::testing::cfn_example(rule);
            assert!(!run_cfn(rule, &m.0).is_empty(), "{}: its template example raises nothing", rule.id);
            let fixed = run_cfn(rule, &m.1);
            assert!(fixed.is_empty(), "{}: its fixed template still raises {fixed:?}", rule.id);
            let fixes = check_cfn_fixes(rule, &m.0);
            assert_eq!(
                fixes > 0,
                rule.has_fix(),
                "{}: has_fix is {} but the template has {fixes} fixes",
                rule.id,
                rule.has_fix()
            );
        }
    }
}
