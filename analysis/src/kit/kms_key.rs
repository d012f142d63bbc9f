//! Which KMS key an attribute names: an AWS-managed key (`alias/aws/rds`, or its ARN) written literally or
//! through a `data "aws_kms_key"` (`key_id`) or `data "aws_kms_alias"` (`name`) of the module. Shared by the
//! rules that want a customer-managed key.

use crate::kit::declared::is_aws_managed_key;

/// An AWS-managed key (`alias/aws/...`, or its ARN), or the `AWS_OWNED_KMS_KEY` keyword some services take for
/// their own key.
pub fn is_aws_key(key: &str) -> bool {
    is_aws_managed_key(key) || key.trim().eq_ignore_ascii_case("AWS_OWNED_KMS_KEY")
}
use crate::terraform::check::TfContext;
use crate::terraform::model::{Expr, ExprKind, Step};
use crate::value::Value;

/// The AWS-managed (or AWS-owned) key `expr` names, literally or through a KMS data source of the module; `None` when it names
/// another key, or cannot be told.
pub fn tf_aws_managed_key(ctx: &TfContext, expr: &Expr) -> Option<String> {
    if let Value::String(s) = ctx.eval(expr) {
        return is_aws_key(&s).then_some(s);
    }
    let ExprKind::Traversal(root, steps) = &expr.kind else { return None };
    let (Some(Step::Attr(ty)), Some(Step::Attr(name))) = (steps.first(), steps.get(1)) else { return None };
    let attr = match (root.as_str(), ty.as_str()) {
        ("data", "aws_kms_key") => "key_id",
        ("data", "aws_kms_alias") => "name",
        _ => return None,
    };
    ctx.at_address(&format!("data.{ty}.{name}")).into_iter().find_map(|data| {
        let (_, v) = ctx.attr(data.block, attr)?;
        v.as_str().filter(|s| is_aws_managed_key(s)).map(|s| format!("{s} (through `data.{ty}.{name}`)"))
    })
}

/// Whether a value names no key at all: an empty string.
pub fn is_empty_key(v: &Value) -> bool {
    v.as_str().is_some_and(|s| s.trim().is_empty())
}

/// The placeholder the fixes write, for the person to replace.
pub const PLACEHOLDER: &str = crate::kit::declared::KMS_PLACEHOLDER;

/// Reports `res` when its attribute `attr` names no key (absent, `null`, empty) or an AWS-managed one (see
/// [`tf_aws_managed_key`]), with a fix writing a placeholder key (needs review). `absent` says what an absent key
/// means, after "`x` does not set `y`: ". Unknown values are never reported. Returns whether it reported.
pub fn check_cmk_tf<'m>(
    ctx: &mut TfContext<'_, 'm>,
    res: crate::terraform::check::Resource<'m>,
    attr: &str,
    absent: &str,
) -> bool {
    check_cmk_tf_in(ctx, res, res.config(), attr, absent)
}

/// [`check_cmk_tf`] for the attribute `attr` of a nested configuration of `res` (`server_side_encryption`).
pub fn check_cmk_tf_in<'m>(
    ctx: &mut TfContext<'_, 'm>,
    res: crate::terraform::check::Resource<'m>,
    config: crate::terraform::view::Config<'m>,
    attr: &str,
    absent: &str,
) -> bool {
    use crate::fix::{Edit, Fix};
    let file = ctx.file(res);
    let address = res.address();
    let title = "Use a customer-managed KMS key (placeholder to replace)";
    let placeholder = format!("\"{PLACEHOLDER}\"");
    let shown = match config.block() {
        Some(b) if !std::ptr::eq(b, res.block) => format!("{}.{attr}", b.kind),
        _ => attr.to_string(),
    };
    match ctx.field(config, attr) {
        None => {
            let fix = config
                .block()
                .map(|b| Fix::unsafe_(title, vec![crate::terraform::edit::set_attribute(file, b, attr, &placeholder)]));
            let message = format!("`{address}` does not set `{shown}`: {absent}");
            ctx.report(res, config.header(), message).fixes.extend(fix);
            true
        }
        Some((f, v)) => {
            let message = if is_empty_key(&v) {
                format!("`{address}` sets an empty `{shown}`: {absent}")
            } else if let Some(key) = tf_aws_managed_key(ctx, f.expr) {
                format!("`{address}` sets `{shown}` to the AWS key {key}, which no key policy of yours governs")
            } else {
                return false;
            };
            let fix = Fix::unsafe_(title, vec![Edit { range: f.expr.range, text: placeholder }]);
            ctx.report_with_fix(res, f.range, message, fix);
            true
        }
    }
}

/// [`check_cmk_tf`] for a template's property (a dotted path below `Properties`).
pub fn check_cmk_cfn(
    ctx: &mut crate::cloudformation::check::CfnContext,
    res: crate::cloudformation::CfnResource,
    prop: &str,
    absent: &str,
) -> bool {
    use crate::fix::Fix;
    let title = "Use a customer-managed KMS key (placeholder to replace)";
    let placeholder = serde_json::json!(PLACEHOLDER);
    let id = res.logical_id;
    match ctx.prop(res, prop) {
        None | Some((_, Value::Null)) => {
            let edit = crate::kit::setting::set_cfn_path(ctx.template, res, prop, &placeholder);
            let range = ctx.header(res);
            ctx.report(res, range, format!("`{id}` does not set `{prop}`: {absent}"))
                .fixes
                .push(Fix::unsafe_(title, vec![edit]));
            true
        }
        Some((node, v)) => {
            let message = match v.as_str() {
                Some(s) if s.trim().is_empty() => format!("`{id}` sets an empty `{prop}`: {absent}"),
                Some(s) if is_aws_key(s) => {
                    format!("`{id}` sets `{prop}` to the AWS key {s}, which no key policy of yours governs")
                }
                _ => return false,
            };
            let edit = crate::cloudformation::edit::replace_value(ctx.template, node, &placeholder);
            let range = ctx.prop_range(res, prop).unwrap_or(node.range);
            ctx.report(res, range, message).fixes.push(Fix::unsafe_(title, vec![edit]));
            true
        }
    }
}
