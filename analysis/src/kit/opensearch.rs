//! What the OpenSearch rules share: the domains (OpenSearch and legacy Elasticsearch) and a matcher for
//! `block { enabled = true }` settings.

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::NodeKind;
use crate::cloudformation::CfnResource;
use crate::fix::Fix;
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use serde_json::json;

/// The OpenSearch and legacy Elasticsearch domains of a module.
pub fn domains<'m>(ctx: &TfContext<'_, 'm>) -> Vec<Resource<'m>> {
    ctx.resources("aws_opensearch_domain").chain(ctx.resources("aws_elasticsearch_domain")).collect()
}

/// Flags a domain whose `block { enabled = ... }` is absent or not enabled (`what` says what is missing).
pub fn check_enabled_block(ctx: &mut TfContext, block_name: &str, title: &str, what: &str) {
    for res in domains(ctx) {
        let file = ctx.file(res);
        let address = res.address();
        let Some(nested) = ctx.block_of(res.block, block_name) else {
            let fix = Fix::new(
                title,
                vec![edit::insert_in_block(file, res.block, &format!("{block_name} {{\n  enabled = true\n}}"))],
            );
            ctx.report_with_fix(res, res.block.header, format!("`{address}` has no `{block_name}` block: {what}"), fix);
            continue;
        };
        let fix = Fix::new(title, vec![edit::set_attribute(file, nested, "enabled", "true")]);
        match ctx.attr(nested, "enabled") {
            None => ctx.report_with_fix(
                res,
                nested.header,
                format!("`{address}` does not enable `{block_name}`: {what}"),
                fix,
            ),
            Some((attr, v)) if v.as_bool() == Some(false) => {
                ctx.report_with_fix(res, attr.range, format!("`{address}` disables `{block_name}`: {what}"), fix)
            }
            Some(_) => {}
        }
    }
}

/// The OpenSearch and legacy Elasticsearch domain types of templates.
pub const CFN_DOMAINS: [&str; 2] = ["AWS::OpenSearchService::Domain", "AWS::Elasticsearch::Domain"];

/// The domains of a template.
pub fn cfn_domains<'t>(ctx: &CfnContext<'_, 't>) -> Vec<CfnResource<'t>> {
    CFN_DOMAINS.iter().flat_map(|ty| ctx.resources(ty)).collect()
}

/// Flags a template's domain whose `prop: {Enabled: ...}` is absent or not enabled (`what` says what is
/// missing).
pub fn cfn_check_enabled(ctx: &mut CfnContext, prop: &str, title: &str, what: &str) {
    for res in cfn_domains(ctx) {
        let id = res.logical_id;
        let Some((options, _)) = ctx.prop(res, prop) else {
            let fix = Fix::new(title, vec![cfn_edit::set_property(ctx.template, res, prop, &json!({"Enabled": true}))]);
            let range = ctx.header(res);
            ctx.report(res, range, format!("`{id}` has no `{prop}`: {what}")).fixes.push(fix);
            continue;
        };
        if !(matches!(options.kind, NodeKind::Map(_)) && options.intrinsic().is_none()) {
            continue;
        }
        let fix = Fix::new(title, vec![cfn_edit::set_key(ctx.template, options, "Enabled", &json!(true))]);
        let path = format!("{prop}.Enabled");
        match ctx.prop(res, &path) {
            None => {
                let range = ctx.prop_range(res, prop).unwrap_or(options.range);
                ctx.report(res, range, format!("`{id}` does not enable `{prop}`: {what}")).fixes.push(fix);
            }
            Some((node, v)) if v.as_bool() == Some(false) => {
                let range = ctx.prop_range(res, &path).unwrap_or(node.range);
                ctx.report(res, range, format!("`{id}` disables `{prop}`: {what}")).fixes.push(fix);
            }
            Some(_) => {}
        }
    }
}
