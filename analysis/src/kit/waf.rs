//! WAF web ACL associations: whether a resource (a load balancer, an API stage, a GraphQL API) is named by one.

use super::references::{cfn_mentions, cfn_raw_text, tf_mentions_type, tf_names};
use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::terraform::check::{Resource, TfContext};
use crate::value::Value;

/// The association resources of Terraform (WAFv2 and WAF Classic regional), with their link attribute.
pub const TF_ASSOCIATIONS: [&str; 2] = ["aws_wafv2_web_acl_association", "aws_wafregional_web_acl_association"];
pub const CFN_ASSOCIATIONS: [&str; 2] = ["AWS::WAFv2::WebACLAssociation", "AWS::WAFRegional::WebACLAssociation"];

/// Whether a resource is associated with a web ACL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coverage {
    Covered,
    /// An association names something that cannot be known (a variable): it may be this resource.
    Unknown,
    None,
}

/// Whether an association of the module names `target`. An association whose ARN is unknown and names no
/// resource of `kind` (the target's types) may name it.
pub fn tf_coverage(ctx: &TfContext, target: Resource, kind: &[&str]) -> Coverage {
    let mut coverage = Coverage::None;
    for ty in TF_ASSOCIATIONS {
        for assoc in ctx.all_resources(ty) {
            let Some(arn) = assoc.block.attr("resource_arn") else { continue };
            if tf_names(&arn.expr, target) {
                return Coverage::Covered;
            }
            if !ctx.eval(&arn.expr).is_known() && !kind.iter().any(|k| tf_mentions_type(&arn.expr, k)) {
                coverage = Coverage::Unknown;
            }
        }
    }
    coverage
}

/// Whether an association of the template names `target` (by reference, logical id, or an ARN that `matches`
/// says is the target's). One whose ARN is unknown and names no resource of `kind` may name it.
pub fn cfn_coverage(ctx: &CfnContext, target: CfnResource, kind: &[&str], matches: impl Fn(&str) -> bool) -> Coverage {
    let mut coverage = Coverage::None;
    for assoc in ctx.template.resources().filter(|r| CFN_ASSOCIATIONS.contains(&r.ty)) {
        let Some((arn, value)) = ctx.prop(assoc, "ResourceArn") else { continue };
        if cfn_mentions(arn, target.logical_id) {
            return Coverage::Covered;
        }
        let text = match &value {
            Value::String(s) => Some(s.as_str()),
            _ => cfn_raw_text(arn),
        };
        if text.is_some_and(&matches) {
            return Coverage::Covered;
        }
        let names_kind = ctx.template.resources().any(|r| kind.contains(&r.ty) && cfn_mentions(arn, r.logical_id));
        if !value.is_known() && !names_kind {
            coverage = Coverage::Unknown;
        }
    }
    coverage
}

/// The fix adding a WAFv2 association for `target` after it (the web ACL to choose).
pub fn tf_association_fix(ctx: &TfContext, target: Resource) -> crate::fix::Fix {
    let text = format!(
        "resource \"aws_wafv2_web_acl_association\" \"{name}\" {{\n  resource_arn = {address}.arn\n  web_acl_arn  = aws_wafv2_web_acl.TODO.arn # TODO: your web ACL\n}}",
        name = target.name(),
        address = target.address(),
    );
    crate::fix::Fix::unsafe_(
        "Associate a WAF web ACL (choose it)",
        vec![crate::terraform::edit::insert_after(ctx.file(target), target.block, &text)],
    )
}

/// The fix adding an `AWS::WAFv2::WebACLAssociation` for `target` to the template's resources; `arn` is how the
/// association names it (`!Ref X`, `!GetAtt X.Arn`).
pub fn cfn_association_fix(ctx: &CfnContext, target: CfnResource, arn: serde_json::Value) -> Option<crate::fix::Fix> {
    let resources = ctx.template.root.get("Resources")?;
    if !matches!(resources.kind, crate::cloudformation::tree::NodeKind::Map(_)) {
        return None;
    }
    // (Only when the target is in the first document, whose `Resources` this edits.)
    resources.entries().iter().find(|e| std::ptr::eq(*e, target.entry))?;
    let value = serde_json::json!({
        "Type": "AWS::WAFv2::WebACLAssociation",
        "Properties": {"ResourceArn": arn, "WebACLArn": "<web-acl-arn>"}
    });
    let edit = crate::cloudformation::edit::set_key(
        ctx.template,
        resources,
        &format!("{}WebAclAssociation", target.logical_id),
        &value,
    );
    Some(crate::fix::Fix::unsafe_("Associate a WAF web ACL (choose it)", vec![edit]))
}
