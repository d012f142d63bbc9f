//! Resource policies open to any principal, judged one way for every service: S3 bucket policies, SQS queue,
//! SNS topic and ECR repository policies, KMS key policies, Lambda permissions, and the Glue, Secrets Manager and
//! Backup policies. A statement for `*` is public unless a condition pins the caller to known principals.

use crate::policy::{Policy, Statement};
use crate::terraform::check::{Resource, TfContext};

/// Condition keys that say who the caller is, or for which resource or from which network it calls: held to fixed
/// values, they admit known callers only (S3 counts these keys, and narrow `aws:SourceIp` ranges, when it decides
/// that a bucket policy is not public: "The meaning of public" in its user guide).
/// - `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:userid`:
///   the caller's organisation, account, ARN or unique ID; a caller outside every organisation has no
///   organisation key and fails the test.
/// - `aws:SourceAccount`, `aws:SourceOwner`, `aws:SourceArn`: IAM sets them only when a service calls on behalf
///   of a resource, so any other caller (`{"AWS": "*"}` included) lacks the key and fails; what passes is the
///   service acting for that account or resource.
/// - `aws:SourceVpce`, `aws:SourceVpc`: set only for requests through a VPC endpoint; they admit callers inside
///   one network of the owner's.
/// - `kms:CallerAccount`: the caller's account in KMS requests (AWS managed keys' own policies pin `*` with it);
///   no other service sets it, so elsewhere the statement admits nobody.
///
/// Left out: `aws:SourceIp` (a public address, a NAT, is shared by callers the owner does not control),
/// `aws:Referer` and `aws:UserAgent` (the caller writes them), `kms:ViaService` (principals of any account call
/// through the service).
const CALLER_KEYS: [&str; 11] = [
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:userid",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourcearn",
    "aws:sourcevpce",
    "aws:sourcevpc",
    "kms:calleraccount",
];

/// Whether one condition (operator and key lower-cased, as [`Statement::conditions`] holds them) admits only
/// callers named by fixed values. The operator must fail for a caller without the key, so `...IfExists` (true for
/// a missing key) and `ForAllValues:` (true for a missing or empty one) do not pin (IAM's condition operators);
/// nor does a negated operator, which admits everyone but the few it names. A `Like` operator on values without a
/// wildcard matches them exactly.
fn pins(operator: &str, key: &str, values: &[String]) -> bool {
    let (set, operator) = operator.split_once(':').unwrap_or(("", operator));
    let positive =
        matches!(operator, "stringequals" | "stringequalsignorecase" | "stringlike" | "arnequals" | "arnlike");
    matches!(set, "" | "foranyvalue")
        && positive
        && CALLER_KEYS.contains(&key)
        && !values.is_empty()
        && values.iter().all(|v| fixed_value(key, v))
}

/// Whether a condition value names known callers: no wildcard and no policy variable (`${aws:username}`), as S3
/// reads "fixed". An unknown part (an interpolated account id, `!Ref AWS::AccountId`) is never a wildcard, as
/// everywhere in the policy model, so it is fixed.
/// - A wildcard may follow the part that names the principal where AWS documents it: an organisation path starts
///   with the organisation's ID (`o-a1b2c3d4e5/*`, every account of it), a role's `aws:userid` is
///   `ROLEID:session` (`AROA...:*`, any session of the role).
/// - An `aws:SourceArn` without an account (an S3 bucket's) names a bucket whose name another account can take
///   once it is deleted, so AWS asks for `aws:SourceAccount` beside it: alone it does not pin.
fn fixed_value(key: &str, value: &str) -> bool {
    let fixed = |v: &str| !v.is_empty() && !v.contains(['*', '?']) && !v.contains("${");
    match key {
        "aws:principalorgpaths" => value.split_once('/').map_or(fixed(value), |(org, _)| fixed(org)),
        "aws:userid" => value.strip_suffix(":*").map_or(fixed(value), fixed),
        "aws:sourcearn" => fixed(value) && value.split(':').nth(4).is_none_or(|account| !account.is_empty()),
        _ => fixed(value),
    }
}

/// Whether a condition of the statement pins the caller to known principals. Conditions are all required, so
/// one that pins is enough, whatever the others say.
pub fn pins_caller(statement: &Statement) -> bool {
    statement.conditions.iter().any(|(operator, key, values)| pins(operator, key, values))
}

/// Whether the statement allows anyone (`"*"`, `{"AWS": "*"}`) and no condition pins the caller.
pub fn is_public(statement: &Statement) -> bool {
    statement.allow && statement.has_public_principal() && !pins_caller(statement)
}

/// The statements of `policy` that allow anyone (see [`is_public`]).
pub fn public_statements(policy: &Policy) -> impl Iterator<Item = &Statement> {
    policy.statements.iter().filter(|s| is_public(s))
}

/// What the first public statement of a policy allows, and, when it has conditions, that none of them pins the
/// caller: the end of the kit's messages.
fn public_grant(statement: &Statement) -> String {
    let actions =
        if statement.actions.is_empty() { "NotAction-based access".to_string() } else { statement.actions.join(", ") };
    let unpinned = if statement.conditions.is_empty() { "" } else { " (no condition pins the caller)" };
    format!("{actions}{unpinned}")
}

/// Reports `res` when its `attr` holds a policy with a public statement; `kind` names the thing shared
/// ("queue", "topic", "repository").
pub fn check_policy_attr(ctx: &mut TfContext, res: Resource, attr: &str, kind: &str) {
    let Some(a) = res.block.attr(attr) else { return };
    let Some(policy) = ctx.policy(&a.expr) else { return };
    let Some(first) = public_statements(&policy).next() else { return };
    let message = format!("`{}` has a {kind} policy that allows any principal: {}", res.address(), public_grant(first));
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
    let Some(first) = public_statements(&policy).next() else { return };
    let message =
        format!("`{}` has a {kind} policy that allows any principal: {}", res.logical_id, public_grant(first));
    let range = ctx.prop_range(res, prop).unwrap_or(node.range);
    ctx.report(res, range, message);
}
