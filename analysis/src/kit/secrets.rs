//! Secrets written in code: a password attribute or property holding a literal, or a reference to a variable or
//! template parameter whose default is written down. Dynamic references (`{{resolve:secretsmanager:...}}`,
//! `{{resolve:ssm-secure:...}}`), parameters without a default (or with an empty one) and values known only at
//! deployment (a generated password, a secret read from Secrets Manager) are not plaintext.

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::tree::Node;
use crate::terraform::check::TfContext;
use crate::terraform::model::{Attribute, ExprKind, Step};
use crate::text::TextRange;
use crate::value::Value;

/// Where a template writes a secret in plaintext.
#[derive(Clone, Debug, PartialEq)]
pub enum CfnPlaintext {
    /// In the property itself (a literal, or a function of literals).
    Property,
    /// As the `Default` of the parameter it refers to: the parameter's name and the `Default` entry's range.
    ParameterDefault(String, TextRange),
}

fn is_dynamic_reference(s: &str) -> bool {
    s.contains("{{resolve:")
}

/// A secret worth the name: a non-empty string that is not a dynamic reference.
fn is_plaintext(v: &Value) -> bool {
    match v {
        Value::String(s) => !s.trim().is_empty() && !is_dynamic_reference(s),
        Value::Number(_) => true,
        _ => false,
    }
}

/// The `Default` of the template parameter `name`, as (range of its entry, value); `None` when there is no such
/// parameter. The value is `Null` when the parameter has no default.
fn parameter_default<'t>(ctx: &CfnContext<'_, 't>, name: &str) -> Option<(Option<TextRange>, Value)> {
    let param = ctx.template.root.get("Parameters")?.get(name)?;
    Some(match param.entry("Default") {
        Some(entry) => (Some(entry.range), ctx.eval(&entry.value)),
        None => (None, Value::Null),
    })
}

/// Where the secret `node` holds is written in plaintext; `None` when it is not.
pub fn cfn_plaintext(ctx: &CfnContext, node: &Node) -> Option<CfnPlaintext> {
    if let Some(("Ref", arg)) = node.intrinsic() {
        let name = arg.as_str()?;
        if let Some((range, value)) = parameter_default(ctx, name) {
            return match range {
                Some(range) if is_plaintext(&value) => Some(CfnPlaintext::ParameterDefault(name.to_string(), range)),
                _ => None,
            };
        }
    }
    is_plaintext(&ctx.eval(node)).then_some(CfnPlaintext::Property)
}

/// How a Terraform attribute writes a secret in plaintext ("a literal", "the default of `var.password`"); `None`
/// when its value is not known from the code (a generated password, a data source, a variable without default).
pub fn tf_plaintext(ctx: &TfContext, attr: &Attribute) -> Option<String> {
    if !is_plaintext(&ctx.eval(&attr.expr)) {
        return None;
    }
    Some(match &attr.expr.kind {
        ExprKind::Template(parts)
            if parts.iter().all(|p| matches!(p, crate::terraform::model::TemplatePart::Literal(_))) =>
        {
            "a literal".to_string()
        }
        ExprKind::Traversal(root, steps) if root == "var" => match steps.first() {
            Some(Step::Attr(name)) => format!("the default of `var.{name}`"),
            _ => "a variable's default".to_string(),
        },
        ExprKind::Traversal(root, steps) if root == "local" => match steps.first() {
            Some(Step::Attr(name)) => format!("`local.{name}`, written in the code"),
            _ => "a local value".to_string(),
        },
        _ => "a value written in the code".to_string(),
    })
}

/// Reports the secret the property `prop` (a dotted path below `Properties`) of `res` holds when the template
/// writes it in plaintext, there or as the `Default` of the parameter it comes from (reported at the property,
/// naming the parameter). `what` names the
/// secret ("master password"), `who` what it opens ("log in to the cluster as its administrator").
/// `replacement`: a property to write instead (`ManageMasterUserPassword: true`), offered as a fix to review.
pub fn report_cfn_plaintext(
    ctx: &mut CfnContext,
    res: crate::cloudformation::CfnResource,
    prop: &str,
    what: &str,
    who: &str,
    replacement: Option<(&str, serde_json::Value)>,
) -> bool {
    let Some((node, _)) = ctx.prop(res, prop) else { return false };
    let Some(found) = cfn_plaintext(ctx, node) else { return false };
    let id = res.logical_id;
    let prop_range = ctx.prop_range(res, prop).unwrap_or(node.range);
    let (range, message) = match found {
        CfnPlaintext::Property => {
            (prop_range, format!("`{id}` writes its {what} (`{prop}`) in the template: whoever reads it can {who}"))
        }
        // (At the property, not at the parameter's `Default`: a finding is suppressed by the resource that holds it.)
        CfnPlaintext::ParameterDefault(param, _) => (
            prop_range,
            format!(
                "`{id}` takes its {what} (`{prop}`) from the parameter `{param}`, whose default is written in the \
                 template: whoever reads it can {who}"
            ),
        ),
    };
    let fix = replacement.map(|(key, value)| {
        let text = if node.style == crate::cloudformation::tree::Style::Json {
            format!("{}: {value}", serde_json::Value::String(key.to_string()))
        } else {
            format!("{key}: {value}")
        };
        crate::fix::Fix::unsafe_(
            format!("Write `{key}` instead (review: the secret changes)"),
            vec![crate::fix::Edit { range: prop_range, text }],
        )
    });
    ctx.report(res, range, message).fixes.extend(fix);
    true
}

/// Reports the attribute `attr` of `res` when it holds a secret written in the code (see [`tf_plaintext`]).
/// `replacement`: an attribute to write instead (`manage_master_user_password = true`), offered as a fix to
/// review.
pub fn report_tf_plaintext(
    ctx: &mut TfContext,
    res: crate::terraform::check::Resource,
    attr: &str,
    what: &str,
    who: &str,
    replacement: Option<&str>,
) -> bool {
    let Some(a) = res.block.attr(attr) else { return false };
    let Some(how) = tf_plaintext(ctx, a) else { return false };
    let message = format!("`{}` sets its {what} (`{attr}`) to {how}: whoever reads the code can {who}", res.address());
    let fix = replacement.map(|text| {
        crate::fix::Fix::unsafe_(
            format!("Write `{text}` instead (review: the secret changes)"),
            vec![crate::fix::Edit { range: a.range, text: text.to_string() }],
        )
    });
    ctx.report(res, a.range, message).fixes.extend(fix);
    true
}
