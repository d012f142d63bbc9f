//! What the IAM rules share: principals (users, groups, roles), the policies that apply to each of them
//! (inline, attached managed policies of the module), and how other resources name them.

use std::rc::Rc;

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::tree::Node;
use crate::cloudformation::CfnResource;
use crate::policy::Policy;
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::model::{Expr, ExprKind, Step};

/// The principal resource types of Terraform.
pub const PRINCIPALS: [&str; 3] = ["aws_iam_user", "aws_iam_group", "aws_iam_role"];

/// The principal resource types of CloudFormation.
pub const CFN_PRINCIPALS: [&str; 3] = ["AWS::IAM::User", "AWS::IAM::Group", "AWS::IAM::Role"];

/// How the resources that give a principal its policies name it: the inline policy type, the attachment type,
/// their attribute naming the principal, and the list of `aws_iam_policy_attachment` holding it.
struct Links {
    inline: &'static str,
    attachment: &'static str,
    link: &'static str,
    list: &'static str,
}

fn links(ty: &str) -> Option<Links> {
    Some(match ty {
        "aws_iam_user" => Links {
            inline: "aws_iam_user_policy",
            attachment: "aws_iam_user_policy_attachment",
            link: "user",
            list: "users",
        },
        "aws_iam_group" => Links {
            inline: "aws_iam_group_policy",
            attachment: "aws_iam_group_policy_attachment",
            link: "group",
            list: "groups",
        },
        "aws_iam_role" => Links {
            inline: "aws_iam_role_policy",
            attachment: "aws_iam_role_policy_attachment",
            link: "role",
            list: "roles",
        },
        _ => return None,
    })
}

/// A policy that applies to a principal, and the resource it is written in.
pub struct Grant<'m> {
    pub from: Resource<'m>,
    pub policy: Rc<Policy>,
}

/// Whether `expr` names `principal`: a reference (`aws_iam_user.u.name`), or a literal equal to its `name`.
pub fn names(ctx: &TfContext, expr: &Expr, principal: Resource) -> bool {
    ctx.refers_to(expr, principal, &["name"])
}

/// The elements of a list expression (`[a, b]`); a single expression otherwise.
pub fn elements(expr: &Expr) -> Vec<&Expr> {
    match &expr.kind {
        ExprKind::Tuple(items) => items.iter().collect(),
        _ => vec![expr],
    }
}

/// The `aws_iam_policy` of the module an ARN expression designates: `aws_iam_policy.p.arn`, or a literal ARN
/// whose last part is the policy's `name`.
pub fn managed_policy<'m>(ctx: &TfContext<'_, 'm>, expr: &Expr) -> Option<Resource<'m>> {
    match &expr.kind {
        ExprKind::Traversal(root, steps) if root == "aws_iam_policy" => match steps.first() {
            Some(Step::Attr(name)) => ctx.at_address(&format!("aws_iam_policy.{name}")).into_iter().next(),
            _ => None,
        },
        _ => {
            let arn = ctx.eval(expr);
            let arn = arn.as_str()?;
            let name = arn.strip_prefix("arn:")?.split_once(":policy/")?.1.rsplit('/').next()?;
            if arn.contains(":iam::aws:policy/") {
                return None;
            }
            ctx.all_resources("aws_iam_policy")
                .find(|p| p.block.attr("name").is_some_and(|a| ctx.eval(&a.expr).as_str() == Some(name)))
        }
    }
}

/// Every policy that applies to `principal` (an `aws_iam_user`, `aws_iam_group` or `aws_iam_role`): its inline
/// policies (`aws_iam_*_policy`, a role's `inline_policy` blocks) and the managed policies of the module attached
/// to it (`aws_iam_*_policy_attachment`, `aws_iam_policy_attachment`, a role's `managed_policy_arns`). A
/// group's policies are not counted for its users: the finding belongs on the group. AWS-managed policies are
/// not read.
pub fn effective_policies<'m>(ctx: &TfContext<'_, 'm>, principal: Resource<'m>) -> Vec<Grant<'m>> {
    let Some(l) = links(principal.ty()) else { return Vec::new() };
    let mut out = Vec::new();
    // (A policy that may not be created, `count = var.x ? 1 : 0` unknown, grants nothing for sure.)
    let push = |from: Resource<'m>, expr: &'m Expr, out: &mut Vec<Grant<'m>>| {
        if super::companions::created(ctx, from) != Some(true) {
            return;
        }
        if let Some(policy) = ctx.policy(expr) {
            out.push(Grant { from, policy });
        }
    };
    for inline in super::companions::companions(ctx, principal, l.inline, l.link, &["name"]) {
        if let Some(a) = inline.block.attr("policy") {
            push(inline, &a.expr, &mut out);
        }
    }
    for inline in ctx.nested(principal.config(), "inline_policy") {
        if let Some(field) = inline.attr("policy") {
            push(principal, field.expr, &mut out);
        }
    }
    let mut arns: Vec<&'m Expr> = Vec::new();
    let created = |r: &Resource| super::companions::created(ctx, *r) == Some(true);
    for attachment in
        super::companions::companions(ctx, principal, l.attachment, l.link, &["name"]).iter().filter(|r| created(r))
    {
        arns.extend(attachment.block.attr("policy_arn").map(|a| &a.expr));
    }
    for attachment in ctx.all_resources("aws_iam_policy_attachment").filter(|r| created(r)) {
        let Some(list) = attachment.block.attr(l.list) else { continue };
        if elements(&list.expr).into_iter().any(|e| names(ctx, e, principal)) {
            arns.extend(attachment.block.attr("policy_arn").map(|a| &a.expr));
        }
    }
    if let Some(a) = principal.block.attr("managed_policy_arns") {
        arns.extend(elements(&a.expr));
    }
    for arn in arns {
        let Some(managed) = managed_policy(ctx, arn) else { continue };
        if out.iter().any(|g: &Grant| std::ptr::eq(g.from.block, managed.block)) {
            continue;
        }
        if let Some(a) = managed.block.attr("policy") {
            push(managed, &a.expr, &mut out);
        }
    }
    out
}

// ---- CloudFormation

/// The property holding a principal's name: `UserName`, `GroupName`, `RoleName`.
pub fn cfn_name_property(ty: &str) -> Option<&'static str> {
    Some(match ty {
        "AWS::IAM::User" => "UserName",
        "AWS::IAM::Group" => "GroupName",
        "AWS::IAM::Role" => "RoleName",
        _ => return None,
    })
}

/// Whether `node` names `target`: `!Ref`, `!GetAtt`, `!Sub`, or a literal equal to its logical id or to the
/// value of one of its `name_props` (templates use both forms).
pub fn cfn_names(ctx: &CfnContext, node: &Node, target: CfnResource, name_props: &[&str]) -> bool {
    if ctx.refers_to(node, target) {
        return true;
    }
    let value = ctx.eval(node);
    let Some(literal) = value.as_str() else { return false };
    literal == target.logical_id
        || name_props.iter().any(|p| ctx.prop(target, p).is_some_and(|(_, v)| v.as_str() == Some(literal)))
}

/// The items of a list node; a single node otherwise.
pub fn cfn_items(node: &Node) -> Vec<&Node> {
    match node.items() {
        [] if !matches!(node.kind, crate::cloudformation::tree::NodeKind::List(_)) => vec![node],
        items => items.iter().collect(),
    }
}

/// A policy that applies to a principal of a template, and the resource it is written in.
pub struct CfnGrant<'t> {
    pub from: CfnResource<'t>,
    pub policy: Policy,
}

/// Every policy that applies to `principal` (`AWS::IAM::User`, `Group` or `Role`): its `Policies`, the
/// `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` resources whose `Users`/`Groups`/`Roles` name it, the
/// `AWS::IAM::UserPolicy`/`GroupPolicy`/`RolePolicy` naming it, and the managed policies of the template its
/// `ManagedPolicyArns` name.
pub fn cfn_effective_policies<'t>(ctx: &CfnContext<'_, 't>, principal: CfnResource<'t>) -> Vec<CfnGrant<'t>> {
    let Some(name_prop) = cfn_name_property(principal.ty) else { return Vec::new() };
    let (list, single, single_prop) = match principal.ty {
        "AWS::IAM::User" => ("Users", "AWS::IAM::UserPolicy", "UserName"),
        "AWS::IAM::Group" => ("Groups", "AWS::IAM::GroupPolicy", "GroupName"),
        _ => ("Roles", "AWS::IAM::RolePolicy", "RoleName"),
    };
    let names = |node: &Node| cfn_names(ctx, node, principal, &[name_prop]);
    let mut out = Vec::new();
    let push = |from: CfnResource<'t>, node: &Node, out: &mut Vec<CfnGrant<'t>>| {
        if let Some(policy) = ctx.policy(node) {
            out.push(CfnGrant { from, policy });
        }
    };
    if let Some((policies, _)) = ctx.prop(principal, "Policies") {
        for item in policies.items() {
            if let Some(doc) = item.get("PolicyDocument") {
                push(principal, doc, &mut out);
            }
        }
    }
    for ty in ["AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"] {
        for res in ctx.resources(ty) {
            let Some((members, _)) = ctx.prop(res, list) else { continue };
            if !cfn_items(members).into_iter().any(names) {
                continue;
            }
            if let Some((doc, _)) = ctx.prop(res, "PolicyDocument") {
                push(res, doc, &mut out);
            }
        }
    }
    for res in ctx.resources(single) {
        if ctx.prop(res, single_prop).is_some_and(|(n, _)| names(n)) {
            if let Some((doc, _)) = ctx.prop(res, "PolicyDocument") {
                push(res, doc, &mut out);
            }
        }
    }
    if let Some((arns, _)) = ctx.prop(principal, "ManagedPolicyArns") {
        for arn in cfn_items(arns) {
            let managed = ctx.resources("AWS::IAM::ManagedPolicy").find(|m| ctx.refers_to(arn, *m));
            let Some(managed) = managed else { continue };
            if out.iter().any(|g: &CfnGrant| g.from.logical_id == managed.logical_id) {
                continue;
            }
            if let Some((doc, _)) = ctx.prop(managed, "PolicyDocument") {
                push(managed, doc, &mut out);
            }
        }
    }
    out
}

/// Whether an IAM action pattern (`iam:Create*`, case-insensitive, with `*` and `?`) matches `action`.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    fn glob(p: &[u8], t: &[u8]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some(b'*'), _) => glob(&p[1..], t) || (!t.is_empty() && glob(p, &t[1..])),
            (Some(b'?'), Some(_)) => glob(&p[1..], &t[1..]),
            (Some(a), Some(b)) if a.eq_ignore_ascii_case(b) => glob(&p[1..], &t[1..]),
            _ => false,
        }
    }
    glob(pattern.as_bytes(), action.as_bytes())
}

/// Whether an action pattern grants a whole service or everything (`*`, `*:*`, `iam:*`): what
/// `iam-policy-full-admin` and `iam-policy-service-wildcard` report.
pub fn is_service_wildcard(pattern: &str) -> bool {
    pattern == "*" || pattern.split_once(':').is_some_and(|(_, name)| name == "*")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_patterns() {
        assert!(action_matches("iam:CreateAccessKey", "iam:createaccesskey"));
        assert!(action_matches("iam:Create*", "iam:CreateAccessKey"));
        assert!(action_matches("iam:Put*Policy", "iam:PutUserPolicy"));
        assert!(action_matches("iam:?ttachUserPolicy", "iam:AttachUserPolicy"));
        assert!(!action_matches("iam:Create*", "iam:UpdateLoginProfile"));
        assert!(!action_matches("iam:CreateAccessKeys", "iam:CreateAccessKey"));
        assert!(is_service_wildcard("iam:*") && is_service_wildcard("*") && is_service_wildcard("*:*"));
        assert!(!is_service_wildcard("iam:Create*"));
    }
}
