pub mod code_signing_disabled;
pub mod deprecated_runtime;
pub mod env_not_encrypted_cmk;
pub mod function_url_public;
pub mod functions_share_role;
pub mod no_concurrency_limit;
pub mod no_dead_letter_queue;
pub mod not_in_vpc;
pub mod permission_apigw_any_route;
pub mod permission_non_invoke_action;
pub mod permission_public;
pub mod permission_service_without_source;
pub mod role_wildcard_action;
pub mod xray_disabled;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &deprecated_runtime::RULE,
    &permission_public::RULE,
    &xray_disabled::RULE,
    &no_dead_letter_queue::RULE,
    &not_in_vpc::RULE,
    &env_not_encrypted_cmk::RULE,
    &no_concurrency_limit::RULE,
    &code_signing_disabled::RULE,
    &function_url_public::RULE,
    &permission_non_invoke_action::RULE,
    &permission_apigw_any_route::RULE,
    &permission_service_without_source::RULE,
    &functions_share_role::RULE,
    &role_wildcard_action::RULE,
];

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
