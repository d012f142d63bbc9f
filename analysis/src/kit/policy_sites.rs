//! Where IAM policies are written in Terraform, for the rules that read their statements.

use crate::policy::Policy;
use crate::terraform::check::{is_registry_module, Resource, TfContext};
use crate::terraform::model::{Expr, ExprKind, Step};
use crate::text::TextRange;

/// What kind of policy a site holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SiteKind {
    /// An identity-based policy: inline, managed, SSO permission set, `terraform-aws-modules/iam` `policy`.
    Identity,
    /// A role's trust policy (`assume_role_policy`).
    Trust,
    /// A `data "aws_iam_policy_document"`, wherever it is used.
    Document,
}

pub struct PolicySite<'m> {
    pub res: Resource<'m>,
    /// Where a finding about the policy points: its attribute, or the data block's header.
    pub range: TextRange,
    pub kind: SiteKind,
    pub policy: std::rc::Rc<Policy>,
}

/// Resource types whose `policy` (or `inline_policy`) attribute is an identity-based policy.
pub const IDENTITY_POLICY_TYPES: [(&str, &str); 5] = [
    ("aws_iam_policy", "policy"),
    ("aws_iam_role_policy", "policy"),
    ("aws_iam_user_policy", "policy"),
    ("aws_iam_group_policy", "policy"),
    ("aws_ssoadmin_permission_set_inline_policy", "inline_policy"),
];

/// Whether `expr` is `data.aws_iam_policy_document.<name>.json` for a document of this module: such a policy
/// is read (and reported) at the data block itself.
fn is_module_document(ctx: &TfContext, expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Traversal(root, steps) if root == "data" => match steps.as_slice() {
            [Step::Attr(ty), Step::Attr(name), Step::Attr(attr), ..] => {
                ty == "aws_iam_policy_document"
                    && (attr == "json" || attr == "minified_json")
                    && ctx.module.scope.policy_document(name).is_some()
            }
            _ => false,
        },
        _ => false,
    }
}

/// Every IAM policy of the module: identity policies, policy documents, and (with `trust`) role trust policies.
/// An identity policy that is a policy document of the module is given once, as the document.
pub fn policy_sites<'m>(ctx: &TfContext<'_, 'm>, trust: bool) -> Vec<PolicySite<'m>> {
    let mut out = Vec::new();
    let mut push = |res: Resource<'m>, range: TextRange, kind: SiteKind, expr: &Expr| {
        if kind != SiteKind::Trust && is_module_document(ctx, expr) {
            return;
        }
        if let Some(policy) = ctx.policy(expr) {
            out.push(PolicySite { res, range, kind, policy });
        }
    };
    for (ty, attr) in IDENTITY_POLICY_TYPES {
        for res in ctx.resources(ty) {
            if let Some(a) = res.block.attr(attr) {
                push(res, a.range, SiteKind::Identity, &a.expr);
            }
        }
    }
    for res in ctx.resources("aws_iam_role") {
        for inline in ctx.nested(res.config(), "inline_policy") {
            if let Some(field) = inline.attr("policy") {
                push(res, field.range, SiteKind::Identity, field.expr);
            }
        }
        if trust {
            if let Some(a) = res.block.attr("assume_role_policy") {
                push(res, a.range, SiteKind::Trust, &a.expr);
            }
        }
    }
    for crate::terraform::check::Resource { file, block } in ctx.blocks("module") {
        if is_registry_module(block, "iam") {
            if let Some(a) = block.attr("policy") {
                push(Resource { file, block }, a.range, SiteKind::Identity, &a.expr);
            }
        }
    }
    for res in ctx.data_sources("aws_iam_policy_document") {
        if let Some(policy) = ctx.policy_document(res) {
            out.push(PolicySite { res, range: res.block.header, kind: SiteKind::Document, policy });
        }
    }
    out
}
