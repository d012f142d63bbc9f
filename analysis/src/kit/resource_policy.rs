//! Resource policies (SQS queues, SNS topics, ECR repositories) open to any principal. Shared by
//! `sqs-policy-public`, `sns-policy-public` and `ecr-policy-public`.

use crate::policy::{Policy, Statement};
use crate::terraform::check::{Resource, TfContext};

/// Condition keys that pin the caller to known principals: a statement with `Principal: "*"` restricted by
/// one of them is not open to the world.
const PRINCIPAL_KEYS: [&str; 5] =
    ["aws:principalorgid", "aws:principalaccount", "aws:principalarn", "aws:sourceaccount", "aws:sourceowner"];

/// Whether a statement restricts who the caller is (`StringEquals aws:PrincipalOrgID`, ...) with known values.
fn restricted_to_known_principals(s: &Statement) -> bool {
    s.conditions.iter().any(|(op, key, values)| {
        let op = op.rsplit(':').next().unwrap_or(op);
        PRINCIPAL_KEYS.contains(&key.as_str())
            && !op.contains("not")
            && !op.contains("like")
            && !values.is_empty()
            && values.iter().all(|v| !v.contains('*'))
    })
}

/// The statements of `policy` that allow anyone (`"*"`, `{"AWS": "*"}`), unless a condition pins the caller
/// to an account or organisation.
pub fn public_statements(policy: &Policy) -> Vec<&Statement> {
    policy
        .statements
        .iter()
        .filter(|s| s.allow && s.has_public_principal() && !restricted_to_known_principals(s))
        .collect()
}

/// Reports `res` when its `attr` holds a policy with a public statement; `kind` names the thing shared
/// ("queue", "topic", "repository").
pub fn check_policy_attr(ctx: &mut TfContext, res: Resource, attr: &str, kind: &str) {
    let Some(a) = res.block.attr(attr) else { return };
    let Some(policy) = ctx.policy(&a.expr) else { return };
    let public = public_statements(&policy);
    let Some(first) = public.first() else { return };
    let actions =
        if first.actions.is_empty() { "NotAction-based access".to_string() } else { first.actions.join(", ") };
    let narrowed = if first.conditions.is_empty() {
        String::new()
    } else {
        " (a condition narrows it, but it still names no principal)".to_string()
    };
    let message = format!("`{}` has a {kind} policy that allows any principal: {actions}{narrowed}", res.address());
    ctx.report(res, a.range, message);
}

/// Reports the CloudFormation resource `res` when its property `prop` holds a policy with a public statement;
/// `kind` names the thing shared ("queue", "topic", "repository").
pub fn check_cfn_policy_prop(
    ctx: &mut crate::cloudformation::check::CfnContext,
    res: crate::cloudformation::CfnResource,
    prop: &str,
    kind: &str,
) {
    let Some((node, _)) = ctx.prop(res, prop) else { return };
    let Some(policy) = ctx.policy(node) else { return };
    let public = public_statements(&policy);
    let Some(first) = public.first() else { return };
    let actions =
        if first.actions.is_empty() { "NotAction-based access".to_string() } else { first.actions.join(", ") };
    let narrowed = if first.conditions.is_empty() {
        String::new()
    } else {
        " (a condition narrows it, but it still names no principal)".to_string()
    };
    let message = format!("`{}` has a {kind} policy that allows any principal: {actions}{narrowed}", res.logical_id);
    let range = ctx.prop_range(res, prop).unwrap_or(node.range);
    ctx.report(res, range, message);
}
