//! Parameters of database parameter groups (RDS, DocumentDB, Redshift): Terraform's `parameter { name value }`
//! blocks, and a template's `Parameters` (a map of name to value for RDS and DocumentDB, a list of
//! `{ParameterName, ParameterValue}` for Redshift). Shared by the rules that require a parameter's value (TLS
//! enforced, audit logging on).

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::Node;
use crate::cloudformation::CfnResource;
use crate::fix::{Edit, Fix};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use crate::terraform::view::Field;
use crate::text::TextRange;
use crate::value::Value;
use serde_json::json;

/// What a parameter's value must be, and what to say.
pub struct ParamCheck<'a> {
    /// The parameter's name (compared case-insensitively).
    pub name: &'a str,
    /// Whether a value (as text, lower-cased) is secure.
    pub secure: fn(&str) -> bool,
    /// When leaving the parameter out is insecure: what that means, after "`x` does not set the parameter `y`: ".
    pub absent: Option<&'a str>,
    /// What an insecure value means, after "`x` sets the parameter `y` to `v`: ".
    pub insecure: &'a str,
    /// The value the fix writes, and the fix's title.
    pub fix_value: &'a str,
    pub fix_title: &'a str,
}

/// A parameter as Terraform writes it.
enum Found<'m> {
    /// No block names it, and every block's name is known.
    Absent,
    /// Some block's name is unknown (a `dynamic` block): it may be set.
    Unknown,
    Value(Field<'m>, Value),
}

fn find_tf<'m>(ctx: &TfContext<'_, 'm>, res: Resource<'m>, name: &str) -> Found<'m> {
    let mut unknown = false;
    for param in ctx.nested(res.config(), "parameter") {
        match ctx.field(param, "name").map(|(_, v)| v) {
            Some(Value::String(n)) if n.eq_ignore_ascii_case(name) => {
                return match param.attr("value") {
                    Some(f) => Found::Value(f, ctx.value(f)),
                    None => Found::Unknown,
                };
            }
            Some(Value::String(_)) => {}
            _ => unknown = true,
        }
    }
    if unknown {
        Found::Unknown
    } else {
        Found::Absent
    }
}

/// Reports a Terraform parameter group whose parameter `c.name` is insecure (or absent, when that is insecure),
/// with a fix writing the secure value. Unknown values and names are never reported.
pub fn check_tf(ctx: &mut TfContext, res: Resource, c: &ParamCheck) {
    let address = res.address();
    match find_tf(ctx, res, c.name) {
        Found::Unknown => {}
        Found::Absent => {
            let Some(why) = c.absent else { return };
            let text = format!("parameter {{\n  name  = \"{}\"\n  value = \"{}\"\n}}", c.name, c.fix_value);
            let fix = Fix::new(c.fix_title, vec![edit::insert_in_block(ctx.file(res), res.block, &text)]);
            let message = format!("`{address}` does not set the parameter `{}`: {why}", c.name);
            ctx.report_with_fix(res, res.block.header, message, fix);
        }
        Found::Value(field, value) => {
            let Some(text) = value.to_text() else { return };
            if (c.secure)(&text.to_ascii_lowercase()) {
                return;
            }
            let fix =
                Fix::new(c.fix_title, vec![Edit { range: field.expr.range, text: format!("\"{}\"", c.fix_value) }]);
            let message = format!("`{address}` sets the parameter `{}` to `{text}`: {}", c.name, c.insecure);
            ctx.report_with_fix(res, field.range, message, fix);
        }
    }
}

/// Reports a template's parameter group whose `Parameters` map sets `c.name` insecurely (or leaves it out, when
/// that is insecure). A `Parameters` written as a function is unknown.
pub fn check_cfn_map(ctx: &mut CfnContext, res: CfnResource, c: &ParamCheck) {
    let id = res.logical_id;
    let params = ctx.prop(res, "Parameters");
    let (map, value): (Option<&Node>, Option<(&Node, TextRange)>) = match params {
        None | Some((_, Value::Null)) => (None, None),
        Some((node, Value::Map(_))) if node.intrinsic().is_none() => {
            let entry = node.entries().iter().find(|e| e.key.eq_ignore_ascii_case(c.name));
            (Some(node), entry.map(|e| (&e.value, e.range)))
        }
        Some(_) => return,
    };
    match value {
        None => {
            let Some(why) = c.absent else { return };
            let edit = match map {
                Some(m) => cfn_edit::set_key(ctx.template, m, c.name, &json!(c.fix_value)),
                None => cfn_edit::set_property(ctx.template, res, "Parameters", &json!({ c.name: c.fix_value })),
            };
            let range = ctx.header(res);
            let message = format!("`{id}` does not set the parameter `{}`: {why}", c.name);
            ctx.report(res, range, message).fixes.push(Fix::new(c.fix_title, vec![edit]));
        }
        Some((node, range)) => {
            let Some(text) = ctx.eval(node).to_text() else { return };
            if (c.secure)(&text.to_ascii_lowercase()) {
                return;
            }
            let edit = cfn_edit::replace_value(ctx.template, node, &json!(c.fix_value));
            let message = format!("`{id}` sets the parameter `{}` to `{text}`: {}", c.name, c.insecure);
            ctx.report(res, range, message).fixes.push(Fix::new(c.fix_title, vec![edit]));
        }
    }
}

/// [`check_cfn_map`] for `Parameters` written as a list of `{ParameterName, ParameterValue}` (Redshift).
pub fn check_cfn_list(ctx: &mut CfnContext, res: CfnResource, c: &ParamCheck) {
    let id = res.logical_id;
    let (list, found) = match ctx.prop(res, "Parameters") {
        None | Some((_, Value::Null)) => (None, None),
        Some((node, Value::List(_))) if node.intrinsic().is_none() => {
            let mut found = None;
            for item in node.items() {
                match item.get("ParameterName").map(|n| ctx.eval(n)) {
                    Some(Value::String(n)) if n.eq_ignore_ascii_case(c.name) => {
                        found = Some(item);
                        break;
                    }
                    Some(Value::String(_)) => {}
                    // An item whose name is not known may be the parameter.
                    _ => return,
                }
            }
            (Some(node), found)
        }
        Some(_) => return,
    };
    let entry = json!({ "ParameterName": c.name, "ParameterValue": c.fix_value });
    match found {
        None => {
            let Some(why) = c.absent else { return };
            // The list rewritten with the parameter added (no fix when some item is not known).
            let edit = match list {
                Some(l) => ctx.eval(l).to_json().and_then(|j| j.as_array().cloned()).map(|mut items| {
                    items.push(entry);
                    cfn_edit::replace_value(ctx.template, l, &serde_json::Value::Array(items))
                }),
                None => Some(cfn_edit::set_property(ctx.template, res, "Parameters", &json!([entry]))),
            };
            let range = ctx.header(res);
            let message = format!("`{id}` does not set the parameter `{}`: {why}", c.name);
            let fixes = edit.map(|e| Fix::new(c.fix_title, vec![e]));
            ctx.report(res, range, message).fixes.extend(fixes);
        }
        Some(item) => {
            let Some(node) = item.get("ParameterValue") else { return };
            let Some(text) = ctx.eval(node).to_text() else { return };
            if (c.secure)(&text.to_ascii_lowercase()) {
                return;
            }
            let edit = cfn_edit::replace_value(ctx.template, node, &json!(c.fix_value));
            let range = item.entry("ParameterValue").map_or(node.range, |e| e.range);
            let message = format!("`{id}` sets the parameter `{}` to `{text}`: {}", c.name, c.insecure);
            ctx.report(res, range, message).fixes.push(Fix::new(c.fix_title, vec![edit]));
        }
    }
}
