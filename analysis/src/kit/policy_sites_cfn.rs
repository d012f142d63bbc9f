//! Where IAM policies are written in CloudFormation templates, for the rules that read their statements.

use super::policy_sites::SiteKind;
use crate::cloudformation::check::CfnContext;
use crate::cloudformation::tree::Node;
use crate::cloudformation::CfnResource;
use crate::policy::Policy;
use crate::text::TextRange;

pub struct CfnPolicySite<'t> {
    pub res: CfnResource<'t>,
    /// Where a finding about the policy points: the `PolicyDocument` entry.
    pub range: TextRange,
    pub kind: SiteKind,
    pub policy: Policy,
}

/// Resource types whose property is one identity-based policy document.
const IDENTITY_DOCUMENTS: [(&str, &str); 6] = [
    ("AWS::IAM::Policy", "PolicyDocument"),
    ("AWS::IAM::ManagedPolicy", "PolicyDocument"),
    ("AWS::IAM::RolePolicy", "PolicyDocument"),
    ("AWS::IAM::UserPolicy", "PolicyDocument"),
    ("AWS::IAM::GroupPolicy", "PolicyDocument"),
    ("AWS::SSO::PermissionSet", "InlinePolicy"),
];

/// Resource types with a `Policies` list of `{PolicyName, PolicyDocument}`.
pub const INLINE_POLICY_HOLDERS: [&str; 3] = ["AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"];

/// Every IAM policy of the template: identity policies (standalone, inline in roles, users and groups, SAM
/// function `Policies` statements) and, with `trust`, role trust policies.
pub fn cfn_policy_sites<'t>(ctx: &CfnContext<'_, 't>, trust: bool) -> Vec<CfnPolicySite<'t>> {
    let mut out = Vec::new();
    let mut push = |res: CfnResource<'t>, range: TextRange, kind: SiteKind, node: &Node| {
        if let Some(policy) = ctx.policy(node) {
            out.push(CfnPolicySite { res, range, kind, policy });
        }
    };
    for (ty, prop) in IDENTITY_DOCUMENTS {
        for res in ctx.resources(ty) {
            if let Some((node, _)) = ctx.prop(res, prop) {
                push(res, ctx.prop_range(res, prop).unwrap_or(node.range), SiteKind::Identity, node);
            }
        }
    }
    for ty in INLINE_POLICY_HOLDERS {
        for res in ctx.resources(ty) {
            if let Some((list, _)) = ctx.prop(res, "Policies") {
                for item in list.items() {
                    if let Some(entry) = item.entry("PolicyDocument") {
                        push(res, entry.range, SiteKind::Identity, &entry.value);
                    }
                }
            }
            if trust && ty == "AWS::IAM::Role" {
                if let Some((node, _)) = ctx.prop(res, "AssumeRolePolicyDocument") {
                    let range = ctx.prop_range(res, "AssumeRolePolicyDocument").unwrap_or(node.range);
                    push(res, range, SiteKind::Trust, node);
                }
            }
        }
    }
    // AWS SAM: `Policies` is a document, or a list mixing documents, managed policy names and templates.
    for res in ctx.resources("AWS::Serverless::Function") {
        let Some((node, _)) = ctx.prop(res, "Policies") else { continue };
        let documents: Vec<&Node> = match node.items() {
            [] => vec![node],
            items => items.iter().collect(),
        };
        for doc in documents {
            if doc.get("Statement").is_some() {
                push(res, doc.range, SiteKind::Identity, doc);
            }
        }
    }
    out
}

/// The managed policy ARNs attached by the template: `(resource, range of the ARN, ARN)`, for roles, users,
/// groups, SSO permission sets and SAM functions (whose `Policies` may name an AWS managed policy by name).
pub fn cfn_managed_policy_arns<'t>(ctx: &CfnContext<'_, 't>) -> Vec<(CfnResource<'t>, TextRange, String)> {
    let mut out = Vec::new();
    let sources = [
        ("AWS::IAM::Role", "ManagedPolicyArns"),
        ("AWS::IAM::User", "ManagedPolicyArns"),
        ("AWS::IAM::Group", "ManagedPolicyArns"),
        ("AWS::SSO::PermissionSet", "ManagedPolicies"),
        ("AWS::Serverless::Function", "Policies"),
    ];
    for (ty, prop) in sources {
        for res in ctx.resources(ty) {
            let Some((node, _)) = ctx.prop(res, prop) else { continue };
            let items: Vec<&Node> = match node.items() {
                [] => vec![node],
                items => items.iter().collect(),
            };
            for item in items {
                if let Some(text) = ctx.eval(item).as_str() {
                    let arn = if ty == "AWS::Serverless::Function" && !text.starts_with("arn:") {
                        format!("arn:aws:iam::aws:policy/{text}")
                    } else {
                        text.to_string()
                    };
                    out.push((res, item.range, arn));
                }
            }
        }
    }
    out
}
