//! Secrets written in plain text into a configuration (a password, a token): a literal, or, in CloudFormation,
//! a parameter's `Default`; what a dynamic reference (`{{resolve:secretsmanager:...}}`), a parameter without a
//! default, a resource attribute or a variable without a default gives is not written anywhere.
//!
//! Used by the Directory Service, Amplify and Alexa rules (the value is never shown in messages).

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::tree::Node;
use crate::cloudformation::CfnResource;
use crate::fix::{Edit, Fix};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use crate::terraform::model::{ExprKind, Step};
use crate::terraform::view::Config;
use crate::text::TextRange;
use crate::value::Value;

/// Whether a known text is a secret written in plain text (not empty, not a dynamic reference).
fn written(s: &str) -> bool {
    !s.trim().is_empty() && !s.contains("{{resolve:")
}

/// Where a template's secret is written in plain text: the property's own entry, or the `Default` of the
/// parameter it refers to (with the parameter's name).
fn cfn_written<'t>(ctx: &CfnContext<'_, 't>, node: &'t Node, entry: TextRange) -> Option<(TextRange, Option<&'t str>)> {
    let params = ctx.template.root.get("Parameters");
    // `!Ref Param`, or the parameter's name written as a string (as JSON examples write references).
    let param = match node.intrinsic() {
        Some(("Ref", arg)) => arg.as_str(),
        None => node.as_str().filter(|s| params.and_then(|p| p.get(s)).is_some()),
        Some(_) => None,
    };
    if let Some(name) = param {
        let default = params.and_then(|p| p.get(name)).and_then(|p| p.entry("Default"))?;
        let text = ctx.eval(&default.value);
        return text.as_str().filter(|s| written(s)).map(|_| (default.range, Some(name)));
    }
    match ctx.eval(node) {
        Value::String(s) if written(&s) => Some((entry, None)),
        _ => None,
    }
}

/// Reports the resources of type `ty` whose property at `path` (dotted, through maps) is a secret written in
/// plain text; `what` names it in the message ("its administrator password").
pub fn report_cfn(ctx: &mut CfnContext, ty: &'static str, path: &str, what: &str) {
    for res in ctx.resources(ty).collect::<Vec<_>>() {
        let Some((node, _)) = ctx.prop(res, path) else { continue };
        let Some(entry) = ctx.prop_range(res, path) else { continue };
        report_node(ctx, res, node, entry, what);
    }
}

fn report_node(ctx: &mut CfnContext, res: CfnResource, node: &Node, entry: TextRange, what: &str) {
    let Some((range, param)) = cfn_written(ctx, node, entry) else { return };
    // A literal is replaced by a dynamic reference to a secret to create.
    let fix = (param.is_none() && node.intrinsic().is_none()).then(|| {
        let edit = crate::cloudformation::edit::replace_value(
            ctx.template,
            node,
            &serde_json::json!("{{resolve:secretsmanager:<secret-id>}}"),
        );
        Fix::unsafe_("Read it from Secrets Manager (placeholder to replace)", vec![edit])
    });
    let message = match param {
        Some(p) => format!(
            "`{}` takes {what} from the parameter `{p}`, whose `Default` writes it in the template",
            res.logical_id
        ),
        None => format!("`{}` writes {what} in plain text in the template", res.logical_id),
    };
    ctx.report(res, range, message).fixes.extend(fix);
}

/// Whether a Terraform value is a secret written in the configuration, and through which variable's default.
fn tf_written(ctx: &TfContext, field: crate::terraform::view::Field) -> Option<Option<String>> {
    let Value::String(s) = ctx.value(field) else { return None };
    if !written(&s) {
        return None;
    }
    Some(match &field.expr.kind {
        ExprKind::Traversal(root, steps) if root == "var" => match steps.first() {
            Some(Step::Attr(name)) => Some(name.clone()),
            _ => None,
        },
        _ => None,
    })
}

/// Reports the Terraform resources (this run's, of type `ty`) whose attribute at `path` (dotted, through
/// nested blocks) is a secret written in the configuration.
pub fn report_tf(ctx: &mut TfContext, ty: &'static str, path: &str, what: &str) {
    for res in ctx.resources(ty).collect::<Vec<_>>() {
        let steps: Vec<&str> = path.split('.').collect();
        let (leaf, blocks) = steps.split_last().expect("a path");
        let mut configs = vec![res.config()];
        for b in blocks {
            configs = configs.into_iter().flat_map(|c| ctx.nested(c, b)).collect();
        }
        for config in configs {
            report_field(ctx, res, config, leaf, what);
        }
    }
}

fn report_field(ctx: &mut TfContext, res: Resource, config: Config, name: &str, what: &str) {
    let Some(field) = config.attr(name) else { return };
    let Some(through) = tf_written(ctx, field) else { return };
    let message = match &through {
        Some(var) => {
            format!("`{}` takes {what} from `var.{var}`, whose default writes it in the configuration", res.address())
        }
        None => format!("`{}` writes {what} in plain text in the configuration", res.address()),
    };
    // A literal becomes a sensitive variable without a default, given outside the code.
    let file = ctx.file(res);
    let fix = through.is_none().then(|| {
        let var = format!("{}_{name}", res.name()).replace('-', "_");
        let declaration = format!("variable \"{var}\" {{\n  type      = string\n  sensitive = true\n}}");
        let edits = vec![
            Edit { range: field.expr.range, text: format!("var.{var}") },
            edit::insert_after(file, res.block, &declaration),
        ];
        Fix::unsafe_("Take it from a sensitive variable given outside the code", edits)
    });
    ctx.report(res, field.range, message).fixes.extend(fix);
}
