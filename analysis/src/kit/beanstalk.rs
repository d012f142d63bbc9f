//! What the Elastic Beanstalk rules share: an environment's option settings (`setting` blocks in Terraform,
//! `OptionSettings` in CloudFormation), including those of a configuration template it names, and the rule shape
//! "this option must hold a secure value".

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::Node;
use crate::cloudformation::CfnResource;
use crate::fix::{Edit, Fix};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use crate::terraform::view::Config;
use crate::value::Value;
use serde_json::json;

/// An option that must hold a secure value.
pub struct BeanstalkOption {
    pub namespace: &'static str,
    pub name: &'static str,
    /// Whether a value is secure (compared case-insensitively by the caller's function).
    pub secure: fn(&str) -> bool,
    /// The value the fix writes.
    pub fix_value: &'static str,
    /// After "`env` ", when the option is left out or insecure: what it means.
    pub problem: &'static str,
    pub fix_title: &'static str,
}

/// Where an option stands in a Terraform environment.
enum Found<'m> {
    Value(Config<'m>, Value),
    Absent,
    Unknown,
}

fn find_tf<'m>(ctx: &TfContext<'_, 'm>, res: Resource<'m>, opt: &BeanstalkOption) -> Found<'m> {
    let mut holders = vec![res];
    if let Some((_, v)) = ctx.attr(res.block, "template_name") {
        match v.as_str() {
            Some(name) => {
                let templates: Vec<Resource> = ctx
                    .all_resources("aws_elastic_beanstalk_configuration_template")
                    .filter(|t| ctx.attr(t.block, "name").is_some_and(|(_, n)| n.as_str() == Some(name)))
                    .collect();
                if templates.is_empty() {
                    return Found::Unknown;
                }
                holders.extend(templates);
            }
            None => {
                // A reference to a template of the configuration is read; anything else is not known.
                let Some(r) = res.block.attr("template_name").and_then(|a| crate::kit::refs::reference(&a.expr)) else {
                    return Found::Unknown;
                };
                let targets = r.targets(ctx);
                if targets.is_empty() {
                    return Found::Unknown;
                }
                holders.extend(targets);
            }
        }
    }
    for holder in holders {
        for s in ctx.nested(holder.config(), "setting") {
            let get = |k: &str| ctx.field(s, k).map(|(_, v)| v);
            match (get("namespace"), get("name")) {
                (Some(Value::String(ns)), Some(Value::String(n))) => {
                    if ns == opt.namespace && n == opt.name {
                        return match get("value") {
                            Some(v) => Found::Value(s, v),
                            None => Found::Absent,
                        };
                    }
                }
                _ => return Found::Unknown,
            }
        }
    }
    Found::Absent
}

/// Reports the Terraform environments where the option is left out or insecure.
pub fn check_tf(ctx: &mut TfContext, opt: &BeanstalkOption) {
    for res in ctx.resources("aws_elastic_beanstalk_environment").collect::<Vec<_>>() {
        let file = ctx.file(res);
        match find_tf(ctx, res, opt) {
            Found::Unknown => {}
            Found::Absent => {
                let block = format!(
                    "setting {{\n  namespace = \"{}\"\n  name      = \"{}\"\n  value     = \"{}\"\n}}",
                    opt.namespace, opt.name, opt.fix_value
                );
                let fix = Fix::new(opt.fix_title, vec![edit::insert_in_block(file, res.block, &block)]);
                let message =
                    format!("`{}` does not set `{}` (`{}`): {}", res.address(), opt.name, opt.namespace, opt.problem);
                ctx.report_with_fix(res, res.block.header, message, fix);
            }
            Found::Value(setting, v) => {
                let Some(text) = v.to_text() else { continue };
                if (opt.secure)(&text) {
                    continue;
                }
                let own = setting.range().start >= res.block.range.start && setting.range().end <= res.block.range.end;
                let field = setting.attr("value").filter(|_| own);
                let message = format!("`{}` sets `{} = {text}`: {}", res.address(), opt.name, opt.problem);
                // A template's setting is reported on the environment's header (and fixed in the template).
                let range = field.map_or(res.block.header, |f| f.range);
                let finding = ctx.report(res, range, message);
                if let Some(f) = field {
                    finding.fixes.push(Fix::new(
                        opt.fix_title,
                        vec![Edit { range: f.expr.range, text: format!("\"{}\"", opt.fix_value) }],
                    ));
                }
            }
        }
    }
}

/// The option's entry in a template's `OptionSettings` list: `Some(None)` when absent, `None` when not known.
fn find_cfn<'t>(ctx: &CfnContext<'_, 't>, settings: &'t Node, opt: &BeanstalkOption) -> Option<Option<&'t Node>> {
    for s in settings.items() {
        let ns = s.get("Namespace").map(|n| ctx.eval(n));
        let name = s.get("OptionName").map(|n| ctx.eval(n));
        match (ns.as_ref().and_then(Value::as_str), name.as_ref().and_then(Value::as_str)) {
            (Some(ns), Some(n)) if ns == opt.namespace && n == opt.name => return Some(Some(s)),
            (Some(_), Some(_)) => {}
            _ => return None,
        }
    }
    Some(None)
}

/// Reports the templates' environments where the option is left out or insecure.
pub fn check_cfn(ctx: &mut CfnContext, opt: &BeanstalkOption) {
    for res in ctx.resources("AWS::ElasticBeanstalk::Environment").collect::<Vec<_>>() {
        if res.properties.is_some_and(|p| p.intrinsic().is_some()) {
            continue;
        }
        // A configuration template may set the option: read it when the template declares it.
        let template = ctx.prop(res, "TemplateName").map(|(n, _)| n);
        let template_settings = match template {
            None => None,
            Some(node) => match crate::kit::refs::cfn_named(ctx, node) {
                Some(t) if t.ty == "AWS::ElasticBeanstalk::ConfigurationTemplate" => {
                    t.properties.and_then(|p| p.get("OptionSettings"))
                }
                _ => continue,
            },
        };
        if let Some(ts) = template_settings {
            match find_cfn(ctx, ts, opt) {
                None => continue,
                Some(Some(_)) => continue, // Judged in the template's own terms: set there.
                Some(None) => {}
            }
        }
        report_cfn(ctx, res, opt);
    }
}

fn report_cfn(ctx: &mut CfnContext, res: CfnResource, opt: &BeanstalkOption) {
    let entry = json!({"Namespace": opt.namespace, "OptionName": opt.name, "Value": opt.fix_value});
    match ctx.prop(res, "OptionSettings") {
        None | Some((_, Value::Null)) => {
            let edit = cfn_edit::set_property(ctx.template, res, "OptionSettings", &json!([entry]));
            let message =
                format!("`{}` does not set `{}` (`{}`): {}", res.logical_id, opt.name, opt.namespace, opt.problem);
            let range = ctx.header(res);
            ctx.report(res, range, message).fixes.push(Fix::new(opt.fix_title, vec![edit]));
        }
        Some((settings, _)) if settings.intrinsic().is_none() => match find_cfn(ctx, settings, opt) {
            None => {}
            Some(None) => {
                let message =
                    format!("`{}` does not set `{}` (`{}`): {}", res.logical_id, opt.name, opt.namespace, opt.problem);
                let range = ctx.prop_range(res, "OptionSettings").unwrap_or(settings.range);
                ctx.report(res, range, message);
            }
            Some(Some(s)) => {
                let Some(value) = s.get("Value") else { return };
                let Some(text) = ctx.eval(value).to_text() else { return };
                if (opt.secure)(&text) {
                    return;
                }
                let message = format!("`{}` sets `{} = {text}`: {}", res.logical_id, opt.name, opt.problem);
                let edit = cfn_edit::replace_value(ctx.template, value, &json!(opt.fix_value));
                ctx.report(res, s.range, message).fixes.push(Fix::new(opt.fix_title, vec![edit]));
            }
        },
        Some(_) => {}
    }
}
