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
        // Written, but null (a variable whose default is null): the default applies.
        None if config.attr(attr).is_some() => {
            let f = config.attr(attr).expect("just checked");
            let fix = Fix::unsafe_(title, vec![Edit { range: f.expr.range, text: placeholder }]);
            let message = format!("`{address}` sets `{shown}` to null, so it is not set: {absent}");
            ctx.report_with_fix(res, f.range, message, fix);
            true
        }
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

/// A setting that must choose KMS encryption (a mode, or a flag), and the key it then needs, in a nested block
/// (Terraform) or map (CloudFormation): Glue's catalog and security configurations, Keyspaces tables.
pub struct KmsMode<'a> {
    /// The nested blocks, or maps below `Properties`, to the one holding both (`encryption_at_rest`).
    pub block: &'a str,
    /// The mode's attribute or property.
    pub mode: &'a str,
    /// The values that choose KMS (compared as text, case-insensitively).
    pub kms: &'a [&'a str],
    /// The value the fix writes, as JSON (`"SSE-KMS"`, `true`).
    pub fix: &'a str,
    /// The key's attribute or property.
    pub key: &'a str,
    /// What a mode that is not KMS means, after "`x` sets `y = v`: ".
    pub off: &'a str,
    /// What a KMS mode without a key means, after "`x` does not set `k`: ".
    pub keyless: &'a str,
}

impl KmsMode<'_> {
    fn chooses_kms(&self, v: &Value) -> Option<bool> {
        let text = v.to_text()?;
        Some(self.kms.iter().any(|k| k.eq_ignore_ascii_case(text.trim())))
    }
    fn fix_json(&self) -> serde_json::Value {
        serde_json::from_str(self.fix).unwrap_or_else(|_| serde_json::json!(self.fix))
    }
}

const KMS_TITLE: &str = "Encrypt with a customer-managed KMS key (placeholder to replace)";

/// Reports a resource whose mode (at `c.block`) does not choose KMS, or chooses it without a customer key; the
/// fixes write the KMS mode and a placeholder key (to review). Unknown values are never reported.
pub fn check_kms_mode_tf<'m>(
    ctx: &mut TfContext<'_, 'm>,
    res: crate::terraform::check::Resource<'m>,
    c: &KmsMode<'static>,
) {
    use crate::fix::{Edit, Fix};
    use crate::terraform::edit;
    let file = ctx.file(res);
    let address = res.address();
    let placeholder = format!("\"{PLACEHOLDER}\"");
    let steps: Vec<&str> = c.block.split('.').collect();
    let mut at = res.config();
    for (i, step) in steps.iter().enumerate() {
        if let Some(next) = ctx.nested(at, step).first() {
            at = *next;
            continue;
        }
        let mut text = format!("{} = {}\n{} = {placeholder}", c.mode, c.fix, c.key);
        for b in steps[i..].iter().rev() {
            let inner: String = text.lines().map(|l| format!("  {l}\n")).collect();
            text = format!("{b} {{\n{inner}}}");
        }
        let fix = at.block().map(|b| Fix::unsafe_(KMS_TITLE, vec![edit::insert_in_block(file, b, &text)]));
        let message = format!("`{address}` does not set `{}.{}`: {}", c.block, c.mode, c.off);
        ctx.report(res, at.header(), message).fixes.extend(fix);
        return;
    }
    let key_text = (at.attr(c.key).is_none()).then(|| format!("{} = {placeholder}", c.key));
    match ctx.field(at, c.mode) {
        None => {
            let text = match &key_text {
                Some(k) => format!("{} = {}\n{k}", c.mode, c.fix),
                None => format!("{} = {}", c.mode, c.fix),
            };
            let fix = at.block().map(|b| Fix::unsafe_(KMS_TITLE, vec![edit::insert_in_block(file, b, &text)]));
            let message = format!("`{address}` does not set `{}.{}`: {}", c.block, c.mode, c.off);
            ctx.report(res, at.header(), message).fixes.extend(fix);
        }
        Some((f, v)) => match c.chooses_kms(&v) {
            Some(true) => {
                check_cmk_tf_in(ctx, res, at, c.key, c.keyless);
            }
            Some(false) => {
                let mut edits = vec![Edit { range: f.expr.range, text: c.fix.to_string() }];
                if let (Some(k), Some(b)) = (&key_text, at.block()) {
                    edits.push(edit::insert_in_block(file, b, k));
                }
                let shown = v.to_text().unwrap_or_default();
                let message = format!("`{address}` sets `{}.{} = {shown}`: {}", c.block, c.mode, c.off);
                ctx.report_with_fix(res, f.range, message, Fix::unsafe_(KMS_TITLE, edits));
            }
            None => {}
        },
    }
}

/// [`check_kms_mode_tf`] for a template (`c.block` a dotted path of maps below `Properties`).
pub fn check_kms_mode_cfn(
    ctx: &mut crate::cloudformation::check::CfnContext,
    res: crate::cloudformation::CfnResource,
    c: &KmsMode,
) {
    use crate::cloudformation::edit as cfn_edit;
    use crate::cloudformation::tree::NodeKind;
    use crate::fix::Fix;
    let id = res.logical_id;
    let placeholder = serde_json::json!(PLACEHOLDER);
    let mode_path = format!("{}.{}", c.block, c.mode);
    let map = match ctx.prop(res, c.block) {
        None | Some((_, Value::Null)) => None,
        Some((node, _)) if matches!(node.kind, NodeKind::Map(_)) && node.intrinsic().is_none() => Some(node),
        Some(_) => return,
    };
    let Some(map) = map else {
        let value = serde_json::json!({ c.mode: c.fix_json(), c.key: placeholder });
        let edit = crate::kit::setting::set_cfn_path(ctx.template, res, c.block, &value);
        let range = ctx.header(res);
        let message = format!("`{id}` does not set `{mode_path}`: {}", c.off);
        ctx.report(res, range, message).fixes.push(Fix::unsafe_(KMS_TITLE, vec![edit]));
        return;
    };
    let key_edit = map.get(c.key).is_none().then(|| cfn_edit::set_key(ctx.template, map, c.key, &placeholder));
    match map.get(c.mode).map(|n| (n, ctx.eval(n))).filter(|(_, v)| *v != Value::Null) {
        None => {
            let mut edits = vec![cfn_edit::set_key(ctx.template, map, c.mode, &c.fix_json())];
            edits.extend(key_edit);
            let message = format!("`{id}` does not set `{mode_path}`: {}", c.off);
            ctx.report(res, map.range, message).fixes.push(Fix::unsafe_(KMS_TITLE, edits));
        }
        Some((node, v)) => match c.chooses_kms(&v) {
            Some(true) => {
                check_cmk_cfn(ctx, res, &format!("{}.{}", c.block, c.key), c.keyless);
            }
            Some(false) => {
                let mut edits = vec![cfn_edit::replace_value(ctx.template, node, &c.fix_json())];
                edits.extend(key_edit);
                let range = map.entry(c.mode).map_or(node.range, |e| e.range);
                let shown = v.to_text().unwrap_or_default();
                let message = format!("`{id}` sets `{mode_path}: {shown}`: {}", c.off);
                ctx.report(res, range, message).fixes.push(Fix::unsafe_(KMS_TITLE, edits));
            }
            None => {}
        },
    }
}
